/**
 * What a chat pane adds to its messages: edit/delete/react over the tab's connection, the user's own
 * read mark (sent while the tab is visible), hidden authors (kept in this browser), and attachments
 * being uploaded (with progress and retry). Not an island itself (it lives in a subfolder).
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Message, UserRef } from "@/lib/shared/protocol.ts";
import { sharedConnection } from "@/lib/browser/shared_connection.ts";
import { uploadFile, type UploadHandle } from "@/lib/browser/uploads.ts";
import { api, errorText } from "@/lib/browser/api_client.ts";
import { lastReadOwn } from "@/lib/shared/receipts.ts";
import type { MessageActions } from "@/components/message_actions.ts";
import type { Upload } from "@/components/Uploads.tsx";

const HIDDEN_KEY = "parley.hiddenAuthors";

function loadHidden(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? "[]"));
  } catch {
    return new Set();
  }
}

export function useMessageActions(
  room: { id: string; visibility: string; ownerId?: string },
  me: UserRef | null,
  chat: { messages: Message[]; reads: Record<string, number>; lastSeq: { current: number } },
) {
  const [hidden, setHidden] = useState<Set<string>>(() => new Set());
  const [uploads, setUploads] = useState<Upload[]>([]);
  const handles = useRef(new Map<string, UploadHandle>());
  const readSent = useRef(0);
  useEffect(() => setHidden(loadHidden()), []);

  // The user's read mark follows what they see: while the tab is visible, up to the newest seq.
  useEffect(() => {
    if (!me) return;
    const mark = () => {
      const seq = chat.lastSeq.current;
      if (document.visibilityState !== "visible" || seq <= readSent.current) return;
      readSent.current = seq;
      sharedConnection().read(room.id, seq);
    };
    const timer = setTimeout(mark, 300);
    document.addEventListener("visibilitychange", mark);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", mark);
    };
  }, [room.id, me?.id, chat.messages]);

  const start = (file: File, key: string = crypto.randomUUID()) => {
    setUploads((old) => [...old.filter((u) => u.key !== key), { key, file, progress: 0 }]);
    const handle = uploadFile(room.id, file, (sent, total) => {
      setUploads((old) => old.map((u) => u.key === key ? { ...u, progress: total ? sent / total : 0 } : u));
    });
    handles.current.set(key, handle);
    handle.done.then((ref) => {
      sharedConnection().send(room.id, { file: ref.id });
      setUploads((old) => old.filter((u) => u.key !== key));
    }, (err) => {
      setUploads((old) => old.map((u) => u.key === key ? { ...u, error: errorText(err) } : u));
    }).finally(() => handles.current.delete(key));
  };

  const actions = useMemo<MessageActions | null>(() => {
    if (!me) return null;
    // Made while the page renders on the server too: the connection is reached only on a click.
    const conn = () => sharedConnection();
    const people = new Set([me.id, ...Object.keys(chat.reads), ...chat.messages.map((m) => m.author.id)]);
    return {
      me: me.id,
      moderator: room.ownerId === me.id || (room.visibility === "support" && me.role === "counselor"),
      twoPerson: room.visibility === "support" || (room.visibility === "private" && people.size <= 2),
      reads: chat.reads,
      lastRead: lastReadOwn(chat.messages, chat.reads, me.id),
      hidden,
      edit: (id, text) => conn().edit(room.id, id, text),
      remove: (id) => conn().remove(room.id, id),
      react: (id, emoji) => conn().react(room.id, id, emoji),
      // Only the owner of a public or private room moderates its members.
      moderate: room.ownerId === me.id && room.visibility !== "support"
        ? (userId, action) => {
          api(`/api/rooms/${encodeURIComponent(room.id)}/members/${encodeURIComponent(userId)}`, { action })
            .catch(() => {});
        }
        : undefined,
      toggleHidden(userId) {
        const next = new Set(hidden);
        if (!next.delete(userId)) next.add(userId);
        localStorage.setItem(HIDDEN_KEY, JSON.stringify([...next]));
        setHidden(next);
      },
    };
  }, [me?.id, room.id, chat.reads, chat.messages, hidden]);

  return {
    actions,
    uploads,
    upload: (files: Iterable<File>) => [...files].forEach((f) => start(f)),
    retryUpload: (key: string) => {
      const failed = uploads.find((u) => u.key === key);
      if (failed) start(failed.file, key);
    },
    dropUpload: (key: string) => {
      handles.current.get(key)?.abort();
      setUploads((old) => old.filter((u) => u.key !== key));
    },
  };
}
