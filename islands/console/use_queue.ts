/**
 * The console's live queue over the tab's one socket: `{type:"support"}` pushes merge into the held
 * lines; every (re)open of the socket refetches the queue, so nothing pushed while it was down is
 * missed; the conversation on screen is marked read as its messages arrive.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import { type ConnectionStatus } from "@/lib/browser/chat_client.ts";
import { sharedConnection } from "@/lib/browser/shared_connection.ts";
import { api } from "@/lib/browser/api_client.ts";
import { isNewWaiting, mergeLine } from "@/lib/shared/support_view.ts";
import type { Alerter } from "./alert.ts";

type Lines = Record<string, SupportSummary>;

export function useQueue(me: UserRef, initial: SupportSummary[], alerter: Alerter) {
  const [lines, setLines] = useState<Lines>(() => Object.fromEntries(initial.map((l) => [l.room, l])));
  // The lines as last set, so that a push merges into the newest state and alerts outside the setter.
  const linesRef = useRef(lines);
  const [viewing, setViewing] = useState<string | undefined>();
  const [status, setStatus] = useState<ConnectionStatus>({ state: "connecting" });
  const viewingRef = useRef<string | undefined>();
  const readTimer = useRef<number | undefined>();
  viewingRef.current = viewing;

  /** Tells the server, a moment later and once per burst, how far the open conversation was read. */
  function markRead(room: string, seq: number) {
    clearTimeout(readTimer.current);
    readTimer.current = setTimeout(() => {
      api(`/api/support/${encodeURIComponent(room)}/read`, { seq }).catch(() => {/* next read retries */});
    }, 300) as unknown as number;
  }

  function commit(next: Lines) {
    linesRef.current = next;
    setLines(next);
  }

  function apply(pushed: SupportSummary[], exact = false) {
    const old = linesRef.current;
    const next = { ...old };
    const arrived: string[] = [];
    for (const line of pushed) {
      const held = old[line.room];
      const ctx = { me, viewing: viewingRef.current };
      // A refetch carries this counselor's exact counts; a push only the one in charge's.
      next[line.room] = exact
        ? { ...line, unread: ctx.viewing === line.room ? 0 : line.unread }
        : mergeLine(held, line, ctx);
      if (isNewWaiting(held, next[line.room])) arrived.push(line.user.name);
    }
    commit(next);
    // After the lines are set: an alert that fails (no audio device) must not lose a line.
    for (const name of arrived) {
      try {
        alerter.newChat(name);
      } catch { /* the title and the queue still show it */ }
    }
  }

  /** Refetches the whole queue with this counselor's exact counts. */
  function refresh() {
    api<{ conversations: SupportSummary[] }>("/api/support").then((r) => apply(r.conversations, true))
      .catch(() => {/* the next (re)open refetches */});
  }

  useEffect(() => {
    const conn = sharedConnection();
    const offFrame = conn.onFrame((frame) => {
      if (frame.type === "support") apply([frame.conversation]);
      else if (frame.type === "message" && frame.room === viewingRef.current && !document.hidden) {
        markRead(frame.room, frame.message.seq);
      }
    });
    const offStatus = conn.subscribe((next) => {
      setStatus(next);
      if (next.state === "open") refresh();
    });
    // The queue needs the socket even before any conversation is opened.
    if (conn.status.state === "closed" && conn.status.retryIn === null) conn.connect();
    return () => {
      offFrame();
      offStatus();
      clearTimeout(readTimer.current);
    };
  }, []);

  return {
    lines,
    viewing,
    status,
    /** Opens a conversation on screen: it is read up to its last message. */
    view(room: string | undefined) {
      setViewing(room);
      viewingRef.current = room;
      const line = room ? linesRef.current[room] : undefined;
      if (!room || !line) return;
      commit({ ...linesRef.current, [room]: { ...linesRef.current[room], unread: 0 } });
      if (line.lastMessage) markRead(room, line.lastMessage.seq);
    },
    refresh,
    /** A claim or close answered with the new line. */
    update(line: SupportSummary) {
      apply([line], true);
    },
  };
}
