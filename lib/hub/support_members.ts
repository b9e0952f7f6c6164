/**
 * Which counselors a support room lists among its members: only its assignee, while it is active, so
 * a counselor who merely opens a conversation is not shown to its user. A join decides it for its
 * socket (`join.ts`); a claim, transfer or close changes it for sockets already in the room, and
 * the presence frame that follows updates the user's member list without a reload.
 */
import type { SupportSummary } from "@/lib/shared/protocol.ts";
import type { SupportConversation } from "@/lib/store/types.ts";
import type { Connection } from "@/lib/hub/connection.ts";
import type { LiveRooms } from "@/lib/hub/live_rooms.ts";
import type { HubPresence } from "@/lib/hub/presence.ts";
import type { Registry } from "@/lib/hub/registry.ts";
import { supportLocal } from "@/lib/hub/fanout.ts";

/**
 * Whether a counselor's socket counts among the conversation's members.
 *
 * @example
 * listsCounselor(conversation, conn.user.id); // true only for the active conversation's assignee
 */
export function listsCounselor(
  conversation: Pick<SupportConversation, "state" | "counselor"> | null,
  counselorId: string,
): boolean {
  return conversation?.state === "active" && conversation.counselor?.id === counselorId;
}

/**
 * Brings this node's counselor sockets in the line's room in or out of its presence as the
 * conversation now says; called for every queue line, local or from the bus.
 *
 * @example
 * relistCounselors(rooms, presence, summary);
 */
export function relistCounselors(rooms: LiveRooms, presence: HubPresence, line: SupportSummary): void {
  const live = rooms.get(line.room);
  if (!live?.support) return;
  live.supportLine = line;
  for (const conn of live.conns) {
    if (conn.session.role !== "counselor" || !conn.rooms.has(line.room)) continue;
    const listed = listsCounselor(line, conn.user.id);
    if (listed === !live.unlisted?.has(conn)) continue;
    if (listed) {
      live.unlisted?.delete(conn);
      presence.addLocal(line.room, conn.user);
    } else {
      unlist(live, conn);
      presence.removeLocal(line.room, conn.user.id);
    }
  }
}

/** Marks `conn` as in the room but not among its members (so its leave removes no member). */
export function unlist(live: { unlisted?: Set<Connection> }, conn: Connection): void {
  (live.unlisted ??= new Set()).add(conn);
}

/**
 * A queue line on this node (local or from the bus): to the sockets that follow the queue, then
 * the room's members as the line says.
 *
 * @example
 * supportChanged(registry, rooms, presence, summary);
 */
export function supportChanged(
  registry: Registry,
  rooms: LiveRooms,
  presence: HubPresence,
  line: SupportSummary,
): void {
  supportLocal(registry, line);
  relistCounselors(rooms, presence, line);
}
