/**
 * Frames that are not room messages, sent to this node's sockets: typing notices, support queue
 * lines and logout. Each is called for a local event and for the same event from the bus.
 */
import type { Session } from "@/lib/store/types.ts";
import { CloseCode, type SupportSummary, type UserRef } from "@/lib/shared/protocol.ts";
import type { LiveRooms } from "@/lib/hub/live_rooms.ts";
import type { Bus } from "@/lib/bus/types.ts";
import type { Registry } from "@/lib/hub/registry.ts";
import { SharedFrame } from "@/lib/web/transport/frame.ts";

/**
 * Tells the room's other local readers that `user` is typing.
 *
 * @example
 * typingLocal(rooms, "r1", conn.user);
 */
export function typingLocal(
  rooms: LiveRooms,
  room: string,
  user: { id: string; name: string; role: Session["role"] },
): void {
  const live = rooms.get(room);
  if (!live) return;
  const raw = new SharedFrame(JSON.stringify({ type: "typing", room, user }));
  for (const conn of live.conns) if (conn.user.id !== user.id) conn.send(raw);
}

/**
 * Tells the room's local readers how far `user` has read (read receipts); with `bus`, the other
 * nodes' readers too.
 *
 * @example
 * readLocal(rooms, "r1", conn.user, 42, bus);
 */
export function readLocal(rooms: LiveRooms, room: string, user: UserRef, seq: number, bus?: Bus): void {
  bus?.publish({ t: "read", room, user, seq });
  const live = rooms.get(room);
  if (!live) return;
  const raw = new SharedFrame(JSON.stringify({ type: "read", room, user, seq }));
  for (const conn of live.conns) conn.send(raw);
}

/**
 * Counselors see every queue line; the conversation's own user sees theirs (its state line).
 *
 * @example
 * supportLocal(registry, summary);
 */
export function supportLocal(registry: Registry, conversation: SupportSummary): void {
  const raw = new SharedFrame(JSON.stringify({ type: "support", conversation }));
  for (const conn of registry.all()) {
    if (conn.user.role === "counselor" || conn.user.id === conversation.user.id) conn.send(raw);
  }
}

/**
 * Closes this node's sockets of a session that ended (4403).
 *
 * @example
 * closeSessionLocal(registry, sessionId);
 */
export function closeSessionLocal(registry: Registry, sessionId: string): void {
  for (const conn of registry.ofSession(sessionId)) conn.close(CloseCode.loggedOut, "Session ended");
}
