/**
 * The state of one chat room over the tab's shared connection: history, live messages, presence
 * notices, typing, pending sends and errors. Used by ChatPane; the counselor console can use one
 * per conversation (they share the socket). Not an island itself (it lives in a subfolder).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { ErrorCode, Message, Presence, UserRef } from "@/lib/shared/protocol.ts";
import { MemberNotices } from "@/lib/shared/presence_view.ts";
import { type ConnectionStatus, mergeMessages, RETRIED_CODES } from "@/lib/browser/chat_client.ts";
import { sharedConnection } from "@/lib/browser/shared_connection.ts";
import { errorText, olderMessages } from "@/lib/browser/api_client.ts";
import type { Notice, PendingMessage } from "@/components/MessageList.tsx";
import { type MessageKey, translator } from "@/lib/shared/i18n/mod.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import { notifyNew } from "@/lib/browser/notify.ts";

export interface ChatRoomInit {
  messages: Message[];
  hasMore: boolean;
  /** The room's last seq when the page was rendered: the join asks only for what came after. */
  lastSeq: number;
  presence?: Presence;
  /** The room's name, for notifications. */
  name?: string;
}

const ERROR_TEXT: Partial<Record<ErrorCode, MessageKey>> = {
  rate_limited: "chat.err.rate_limited",
  too_large: "chat.err.too_large",
  forbidden: "chat.err.forbidden",
  unavailable: "chat.err.unavailable",
};
const TYPING_SHOWN_MS = 4000;
/** Away for less than this (a reload, a server restart) is not "left"; coming back is not "joined". */
export const PRESENCE_GRACE_MS = 12_000;

export interface ChatRoomOptions {
  /** Derive "X joined" / "X left" lines from presence changes (off where the server writes its own). */
  notices?: boolean;
  /** Notify of new messages while the tab is hidden (only counselors' replies, in support). */
  notify?: "all" | "counselors";
}

export function useChatRoom(
  room: string,
  me: UserRef | null,
  init: ChatRoomInit,
  { notices: announceMembers = true, notify: notifyOf = "all" }: ChatRoomOptions = {},
) {
  const { locale } = useT();
  const [messages, setMessages] = useState(init.messages);
  const [hasMore, setHasMore] = useState(init.hasMore);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [presence, setPresence] = useState<Presence>(init.presence ?? { count: 0, members: [] });
  const [typers, setTypers] = useState<Array<UserRef & { until: number }>>([]);
  const [status, setStatus] = useState<ConnectionStatus>({ state: "connecting" });
  const [error, setError] = useState("");
  const [reads, setReads] = useState<Record<string, number>>({});
  const lastSeq = useRef(init.lastSeq);

  useEffect(() => {
    if (!me) return;
    const { t } = translator(locale);
    const conn = sharedConnection();
    const unsubscribe = conn.subscribe((next) => {
      setStatus(next);
      // Signed out (here or in another tab): what waits to be sent never will be; say so.
      if (next.state === "closed" && next.retryIn === null) {
        const reason = t("chat.err.signedOut");
        setPending((old) => old.map((p) => (p.id || p.error ? p : { ...p, error: reason })));
      }
    });
    const addMessages = (list: Message[]) => {
      if (list.length === 0) return;
      lastSeq.current = Math.max(lastSeq.current, ...list.map((m) => m.seq));
      setMessages((old) => mergeMessages(old, list));
      const ids = new Set(list.map((m) => m.id)), authors = new Set(list.map((m) => m.author.id));
      setPending((old) => old.filter((p) => !p.id || !ids.has(p.id)));
      setTypers((old) => old.filter((t) => !authors.has(t.id)));
    };
    const grace = new MemberNotices(PRESENCE_GRACE_MS);
    let server: Presence = init.presence ?? { count: 0, members: [] };
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const notify = (lines: string[]) => {
      if (!announceMembers || lines.length === 0) return;
      const at = lastSeq.current, stamp = Date.now();
      setNotices((
        old,
      ) => [...old, ...lines.map((text, i) => ({ key: `n${stamp}-${i}`, afterSeq: at, text }))]);
    };
    const expire = () => {
      clearTimeout(graceTimer);
      notify(grace.expire().map((m) => t("chat.left", { name: m.name })));
      setPresence(grace.view(server));
      const next = grace.nextExpiry();
      if (next !== null) graceTimer = setTimeout(expire, next + 50);
    };
    const applyPresence = (p: Presence, announce: boolean) => {
      server = p;
      const { joined } = grace.update(p.members, announce);
      notify(joined.map((m) => t("chat.joined", { name: m.name })));
      expire();
    };
    const tell = (m: Message) => {
      if (m.author.id === me.id || m.kind === "system") return;
      if (notifyOf === "counselors" && m.author.role !== "counselor") return;
      const body = m.text ??
        (m.file ? t("messages.fileMessage", { name: m.file.name }) : m.program?.title ?? "");
      notifyNew({
        title: t("messages.notifyTitle", { room: init.name ?? "Parley", name: m.author.name }),
        body,
        tag: room,
        onClick: () => document.getElementById("composer-input")?.focus(),
      });
    };
    conn.join(room, {
      // A change to a message not loaded here (older than the page) waits for "load older".
      update: (m, seq) => {
        lastSeq.current = Math.max(lastSeq.current, seq);
        setMessages((old) => old.some((x) => x.id === m.id) ? old.map((x) => x.id === m.id ? m : x) : old);
      },
      read: (user, seq) => setReads((old) => (old[user.id] ?? 0) >= seq ? old : { ...old, [user.id]: seq }),
      joined: (frame) => {
        if (frame.reads) setReads((old) => ({ ...old, ...frame.reads }));
        addMessages(frame.messages);
        applyPresence(frame.presence, false);
      },
      message: (m) => {
        addMessages([m]);
        tell(m);
      },
      presence: (p) => applyPresence(p, true),
      typing: (user) => {
        if (user.id === me.id) return;
        const until = Date.now() + TYPING_SHOWN_MS;
        setTypers((old) => [...old.filter((t) => t.id !== user.id), { ...user, until }]);
      },
      ack: (clientId, id) =>
        setPending((old) => old.map((p) => (p.clientId === clientId ? { ...p, id } : p))),
      error: (code, message, clientId) => {
        // The connection joins again and resends on its own; nothing for the reader to do.
        if (code === "not_joined") return;
        const key = ERROR_TEXT[code];
        const text = key ? t(key) : message;
        if (clientId && !RETRIED_CODES.has(code)) {
          setPending((old) => old.map((p) => (p.clientId === clientId ? { ...p, error: text } : p)));
        }
        setError(text);
      },
    }, lastSeq.current);
    return () => {
      clearTimeout(graceTimer);
      unsubscribe();
      conn.leave(room);
    };
  }, [room, me?.id]);

  // Typing lines fade on their own; errors clear after a while.
  useEffect(() => {
    if (typers.length === 0) return;
    const next = Math.min(...typers.map((t) => t.until)) - Date.now();
    const timer = setTimeout(() => setTypers((old) => old.filter((t) => t.until > Date.now())), next + 50);
    return () => clearTimeout(timer);
  }, [typers]);
  useEffect(() => {
    if (!error) return;
    const timer = setTimeout(() => setError(""), 6000);
    return () => clearTimeout(timer);
  }, [error]);

  return {
    messages,
    hasMore,
    loadingOlder,
    pending,
    notices,
    presence,
    typers,
    status,
    error,
    reads,
    /** The room's last seq this pane knows (messages and changes). */
    lastSeq,
    /** Sends a message; with `note`, a counselors-only private note. */
    send(text: string, note = false) {
      const clientId = sharedConnection().send(room, note ? { text, private: true } : { text });
      const at = new Date().toISOString();
      const line = { clientId, text, at, afterSeq: lastSeq.current, ...(note ? { private: true } : {}) };
      setPending((old) => [...old, line]);
    },
    /** Sends a failed message again as a new send (the failed one was never stored). */
    retry(clientId: string) {
      const failed = pending.find((p) => p.clientId === clientId);
      if (!failed) return;
      const again = sharedConnection().send(
        room,
        failed.private ? { text: failed.text, private: true } : {
          text: failed.text,
        },
      );
      const at = new Date().toISOString();
      setPending((old) => [
        ...old.filter((p) => p.clientId !== clientId),
        { ...failed, clientId: again, at, afterSeq: lastSeq.current, error: undefined },
      ]);
    },
    typing: () => sharedConnection().typing(room),
    async loadOlder() {
      const oldest = messages[0]?.seq;
      if (!oldest || loadingOlder) return;
      setLoadingOlder(true);
      try {
        const page = await olderMessages(room, oldest);
        setMessages((old) => mergeMessages(old, page.messages));
        setHasMore(page.hasMore);
      } catch (err) {
        setError(errorText(err));
      } finally {
        setLoadingOlder(false);
      }
    },
  };
}
