/**
 * Joining a room on one socket: the access check, then (in the room's task queue, so live
 * deliveries and the join never interleave) the latest page or the replay after `since`, the
 * socket's place among the room's readers, and its presence.
 */
import { isUpdate, type Room, type RoomEvent, type Session, type Store } from "@/lib/store/types.ts";
import type { ErrorCode, Message } from "@/lib/shared/protocol.ts";
import type { Connection } from "@/lib/hub/connection.ts";
import { type LiveRooms, PAGE } from "@/lib/hub/live_rooms.ts";
import type { HubPresence } from "@/lib/hub/presence.ts";
import type { HubPlugin } from "@/lib/hub/plugins.ts";
import { log } from "@/lib/ops/log.ts";
import { StoreUnavailableError } from "@/lib/store/errors.ts";
import { withDeadline } from "@/lib/ops/deadline.ts";
import { toFrameError } from "@/lib/web/errors.ts";
import { historyPage } from "@/lib/rooms/history.ts";
import { seesNotes } from "@/lib/store/visible.ts";
import { eventFrame } from "@/lib/hub/live_rooms.ts";
import { admitJoin } from "@/lib/hub/join_limit.ts";
import { listsCounselor, unlist } from "@/lib/hub/support_members.ts";

/** Who may join a room; `true` or the error to send. */
export type JoinPolicy = (
  session: Session,
  room: Room,
) => Promise<true | { code: ErrorCode; message: string }>;

/** What a join needs of its hub. */
export interface JoinDeps {
  store: Store;
  rooms: LiveRooms;
  presence: HubPresence;
  canJoin: JoinPolicy;
  /** The longest one store call may take before the socket is told `unavailable`. */
  storeMs: number;
  leave(conn: Connection, room: string): void;
  /** The plugins that watch a room's messages (asked once per live room). */
  watchersOf(room: Room): HubPlugin[];
}

/** Messages a first join brings. */
const LATEST = 50;

/**
 * Answers a join with `joined` (or an error frame); never throws.
 *
 * @example
 * await joinRoom(deps, conn, roomId, since);
 */
export async function joinRoom(
  d: JoinDeps,
  conn: Connection,
  roomId: string,
  since?: number,
): Promise<void> {
  if (!admitJoin(conn, roomId)) return;
  let room: Room | null;
  try {
    room = await withDeadline(d.store.getRoom(roomId), d.storeMs, "getRoom");
    if (!room) return conn.error("not_found", "No such room", { room: roomId });
    const verdict = await withDeadline(d.canJoin(conn.session, room), d.storeMs, "canJoin");
    if (verdict !== true) return conn.error(verdict.code, verdict.message, { room: roomId });
  } catch (err) {
    return answerFailure(conn, err, { room: roomId });
  }
  d.presence.learnVisibility(room);
  const live = d.rooms.open(roomId);
  live.watchers ??= d.watchersOf(room);
  live.support = room.visibility === "support";
  // A counselor who only opens a support conversation is not among its members until it is theirs.
  let listed = true;
  const seenLine = live.supportLine;
  if (live.support && conn.session.role === "counselor") {
    try {
      const conversation = await withDeadline(d.store.getSupport(roomId), d.storeMs, "getSupport");
      listed = listsCounselor(conversation, conn.user.id);
    } catch (err) {
      return answerFailure(conn, err, { room: roomId });
    }
  }
  const roomLastSeq = room.lastSeq;
  // Read receipts: each member's mark, sent with `joined` (at most the 200 furthest, for big rooms).
  const reads = await withDeadline(d.store.listReadMarks(roomId), d.storeMs, "listReadMarks")
    .then((marks) => Object.fromEntries(Object.entries(marks).sort((a, b) => b[1] - a[1]).slice(0, 200)))
    .catch(() => ({}));
  const notes = seesNotes(conn.session.role);
  // What this reader may see of a replayed event: private notes (and changes to them) only counselors.
  const visible = (e: RoomEvent) => notes || !(isUpdate(e) ? e.update.private : e.private);
  await d.rooms.run(live, async (signal) => {
    if (conn.closing) return;
    // Overdue (the room's queue moved on without it): answer now, and join no more, since what the
    // queue delivered meanwhile could be skipped. The client may join again.
    const overdue = () => answerFailure(conn, new StoreUnavailableError("join timed out"), { room: roomId });
    signal.addEventListener("abort", overdue, { once: true });
    const replay = since !== undefined;
    let messages: Message[];
    let events: RoomEvent[] = [];
    /** The replay's messages before its first change: `joined` carries them, the rest follows in order. */
    let head: RoomEvent[] = [];
    let hasMore = false;
    try {
      // A catch-up is everything after `since`; a first join, the latest page (the pager's hasMore rule).
      if (replay) {
        // Messages and changes: a change's seq is its own, so a catch-up replays it like a message.
        events = await withDeadline(
          d.store.listEvents(roomId, { after: since, limit: PAGE }),
          d.storeMs,
          "listEvents",
        );
        const first = events.findIndex(isUpdate);
        head = first < 0 ? events : events.slice(0, first);
        messages = head.filter((e): e is Message => !isUpdate(e) && visible(e));
      } else {
        ({ messages, hasMore } = await withDeadline(
          historyPage(d.store, roomId, { limit: LATEST, role: conn.session.role }),
          d.storeMs,
          "listMessages",
        ));
      }
    } catch (err) {
      signal.removeEventListener("abort", overdue);
      return answerFailure(conn, err, { room: roomId });
    }
    signal.removeEventListener("abort", overdue);
    if (conn.closing || signal.aborted) return;
    // Joined already on this socket: what it was sent is on its way; never send a seq twice.
    const sent = conn.rooms.get(roomId);
    const rejoin = sent !== undefined;
    const fresh = rejoin ? messages.filter((m) => m.seq > sent) : messages;
    const seq = Math.max(
      sent ?? 0,
      (replay ? head : messages).at(-1)?.seq ?? (replay ? Math.min(since, roomLastSeq) : roomLastSeq),
    );
    conn.rooms.set(roomId, seq);
    live.conns.add(conn);
    // A claim or transfer that came while this join read the store is the newer word.
    if (live.supportLine !== seenLine && conn.session.role === "counselor") {
      listed = listsCounselor(live.supportLine ?? null, conn.user.id);
    }
    if (!rejoin && listed) d.presence.addLocal(roomId, conn.user);
    else if (!rejoin) unlist(live, conn);
    conn.frame({
      type: "joined",
      room: roomId,
      seq,
      messages: fresh,
      presence: d.presence.table.presence(roomId),
      hasMore,
      reads,
    });
    // From the first change on, the replay goes as live frames, one seq after the other: a client
    // that keeps the highest seq it saw never skips a change because `joined` already passed it.
    const replayEvent = (e: RoomEvent) => {
      if (visible(e)) conn.sendMessage(roomId, e.seq, eventFrame(roomId, e));
    };
    events.slice(head.length).forEach(replayEvent);
    try {
      // A long absence: the rest of the replay follows as live messages and changes, page by page, in order.
      let page = events;
      while (replay && page.length === PAGE && !conn.closing) {
        const after = page[PAGE - 1].seq;
        page = await withDeadline(
          d.store.listEvents(roomId, { after, limit: PAGE }),
          d.storeMs,
          "listEvents",
        );
        if (signal.aborted) throw new StoreUnavailableError("join timed out");
        page.forEach(replayEvent);
      }
    } catch (err) {
      // Half a replay: leave the room, so that the client's next join (with its last seq) is whole.
      d.leave(conn, roomId);
      return answerFailure(conn, err, { room: roomId });
    }
    const upTo = conn.rooms.get(roomId) ?? seq;
    // The first reader sets the room's position; otherwise bring the room's other readers up to it.
    if (live.last < 0) live.last = upTo;
    else if (live.last < upTo) {
      await d.rooms.refill(live, upTo).catch((err) =>
        // The room's next message refills the gap again (LiveRooms.#inOrder).
        log.warn("hub.gap_refill_failed", { room: roomId, to: upTo, error: String(err) })
      );
    }
    log.info("ws.join", { conn: conn.id, user: conn.user.id, room: roomId, since: since ?? null, seq });
  }).catch((err) => answerFailure(conn, err, { room: roomId }));
}

/** Tells the socket what went wrong: a store error's code (`unavailable`, …), else `internal`. */
export function answerFailure(
  conn: Connection,
  err: unknown,
  where: { clientId?: string; room?: string },
): void {
  const known = toFrameError(err);
  log.warn("ws.error", {
    conn: conn.id,
    user: conn.user.id,
    ...where,
    error: known ? known.code : String(err),
    ...(known ? { why: String((err as Error).message).slice(0, 160) } : {}),
  });
  if (known) conn.error(known.code, known.message, where);
  else conn.error("internal", "Something went wrong on our side", where);
}

/** Public rooms: anyone; private: members and the owner; support: its user and any counselor. */
export function defaultCanJoin(store: Store): JoinPolicy {
  return async (session, room) => {
    if (room.visibility !== "support" && room.ownerId !== session.userId) {
      if (await store.getMemberState(room.id, session.userId) === "removed") {
        return { code: "forbidden", message: "messages.error.removed" };
      }
    }
    if (room.visibility === "public") return true;
    if (room.visibility === "support") {
      return room.ownerId === session.userId || session.role === "counselor"
        ? true
        : { code: "forbidden", message: "This conversation is not yours" };
    }
    if (room.ownerId === session.userId || await store.isMember(room.id, session.userId)) return true;
    return { code: "forbidden", message: "This room needs an invite" };
  };
}
