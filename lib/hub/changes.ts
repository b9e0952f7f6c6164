/**
 * The frames that change a room's messages (`edit`, `delete`, `react`) and read receipts (`read`).
 * A change is stored with its own seq (`Store.changeMessage`) and delivered like a message, as an
 * `update` frame in the room's order, so `join` with `since` replays it exactly once. A read mark
 * is not in the room's order: it goes to the room's sockets on every node as a `read` frame.
 */
import { CloseCode, type ErrorCode } from "@/lib/shared/protocol.ts";
import type { ChangeOp } from "@/lib/store/types.ts";
import type { Connection } from "@/lib/hub/connection.ts";
import type { HubContext } from "@/lib/hub/context.ts";
import type { FrameOf } from "@/lib/hub/frames.ts";
import { answerFailure } from "@/lib/hub/join.ts";
import { checkText } from "@/lib/hub/send.ts";
import { isSingleEmoji } from "@/lib/shared/emoji.ts";
import { withDeadline } from "@/lib/ops/deadline.ts";
import { StoreError } from "@/lib/store/errors.ts";
import { tellWatchers } from "@/lib/hub/plugins.ts";

/** Store refusals as the socket is told them: a stable code and a message key in the reader's language. */
const REFUSALS: Record<string, { code: ErrorCode; key: string }> = {
  not_text: { code: "bad_request", key: "messages.error.notText" },
  too_many_reactions: { code: "bad_request", key: "messages.error.tooManyReactions" },
  forbidden: { code: "forbidden", key: "messages.error.forbiddenEdit" },
  message_deleted: { code: "message_deleted", key: "messages.error.deleted" },
  edit_window_passed: { code: "edit_window_passed", key: "messages.error.editWindow" },
  not_found: { code: "not_found", key: "messages.error.notFound" },
};

/**
 * The handler of `edit`, `delete` and `react`.
 *
 * @example
 * frameHandlers.edit = changeFrame;
 */
export async function changeFrame(
  hub: HubContext,
  conn: Connection,
  f: FrameOf<"edit"> | FrameOf<"delete"> | FrameOf<"react">,
): Promise<void> {
  const room = f.room;
  const refuse = (code: ErrorCode, message: string) => conn.error(code, message, { room });
  if (!conn.rooms.has(room)) return refuse("not_joined", "Join the room first");
  let change: ChangeOp;
  if (f.type === "edit") {
    const problem = checkText(f.text, hub.config.maxTextLength);
    if (problem) return refuse(problem === "Enter a message" ? "bad_request" : "too_large", problem);
    change = { op: "edit", text: f.text };
  } else if (f.type === "react") {
    if (!isSingleEmoji(f.emoji)) return refuse("bad_request", "messages.error.badEmoji");
    change = { op: "react", emoji: f.emoji };
  } else change = { op: "delete" };
  if (f.type !== "delete" && await hub.memberStates.get(room, conn.user.id).catch(() => null) === "muted") {
    return refuse("forbidden", "messages.error.muted");
  }
  // Changes spend the user's send budget: editing in a loop is sending in a loop.
  const decision = hub.sendLimit.take(conn.user.id);
  if (decision === "abuse") return conn.closeAfterPending(CloseCode.rateLimited, "Too many messages");
  if (decision === "limited") return refuse("rate_limited", "Slow down: too many messages");
  const ms = hub.storeMs;
  try {
    let moderator = false;
    if (change.op === "delete") {
      const stored = await withDeadline(hub.store.getRoom(room), ms, "getRoom");
      moderator = stored !== null && (stored.ownerId === conn.user.id ||
        (stored.visibility === "support" && conn.user.role === "counselor"));
    }
    if (conn.user.role !== "counselor") {
      // A private note is never shown to a user: to them it does not exist.
      const target = await withDeadline(hub.store.getMessage(room, f.id), ms, "getMessage");
      if (!target || target.private) return refuse("not_found", "messages.error.notFound");
    }
    const result = await withDeadline(
      hub.store.changeMessage({
        room,
        id: f.id,
        by: conn.user,
        change,
        moderator,
        editWindowMs: hub.config.editWindowMs,
      }),
      ms,
      "changeMessage",
    );
    hub.deliver({ room, seq: result.seq, update: result.message });
    if (result.removedFile) hub.plugins.fileRemoved(room, result.removedFile);
    tellWatchers(
      hub.rooms.get(room)?.watchers,
      room,
      "hub.after_change",
      (p) => p.onMessageChanged?.(result.message, change.op),
    );
  } catch (err) {
    if (err instanceof StoreError && err.code !== "unavailable") {
      const refusal = REFUSALS[err.code];
      return refuse(refusal?.code ?? "bad_request", refusal?.key ?? err.message);
    }
    answerFailure(conn, err, { room });
  }
}

/**
 * The handler of `read`: the caller's mark moves forward (never back, never past what this socket
 * was sent) and the room's readers on every node are told.
 *
 * @example
 * frameHandlers.read = readFrame;
 */
export async function readFrame(hub: HubContext, conn: Connection, f: FrameOf<"read">): Promise<void> {
  const sent = conn.rooms.get(f.room);
  if (sent === undefined) return conn.error("not_joined", "Join the room first", { room: f.room });
  const seq = Math.min(f.seq, sent);
  const ms = hub.storeMs;
  try {
    const before = await withDeadline(hub.store.getReadMark(f.room, conn.user.id), ms, "getReadMark");
    if (seq <= before) return;
    await withDeadline(hub.store.setReadMark(f.room, conn.user.id, seq), ms, "setReadMark");
    hub.readReceipt(f.room, conn.user, seq);
  } catch (err) {
    answerFailure(conn, err, { room: f.room });
  }
}
