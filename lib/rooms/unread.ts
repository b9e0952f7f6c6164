/** A user's unread count per room: messages from others after their read mark. */
import type { Store } from "@/lib/store/types.ts";

/** Counted exactly up to here; more shows as "99+". */
export const UNREAD_CAP = 99;

/**
 * Messages by others after `userId`'s read mark in `room`, at most UNREAD_CAP + 1.
 *
 * @example
 * await unreadCount(store, room.id, session.userId); // 3
 */
export async function unreadCount(store: Store, room: string, userId: string): Promise<number> {
  const mark = await store.getReadMark(room, userId);
  const after = await store.listMessages(room, { after: mark, limit: UNREAD_CAP + 1 });
  return after.filter((m) => m.author.id !== userId && !m.deleted && m.kind !== "system").length;
}
