/** Paging a room's history, the one way every page, API and `joined` frame does it. */
import type { Message, Role } from "@/lib/shared/protocol.ts";
import type { Store } from "@/lib/store/types.ts";
import { listVisibleMessages } from "@/lib/store/visible.ts";

/** One page of history, oldest first, and whether anything older is left. */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/**
 * The `limit` latest messages (before seq `before`, when given) as a reader of `role` may see them
 * (private notes for counselors only). It reads one more than it returns: `hasMore` is true exactly
 * when that extra, older message exists.
 *
 * @example
 * const { messages, hasMore } = await historyPage(store, room.id, { limit: 50, role: "user" });
 */
export async function historyPage(
  store: Pick<Store, "listMessages">,
  room: string,
  options: { before?: number; limit: number; role: Role },
): Promise<HistoryPage> {
  const { before, limit, role } = options;
  const page = await listVisibleMessages(
    store,
    room,
    before === undefined ? { limit: limit + 1 } : { before, limit: limit + 1 },
    role,
  );
  const hasMore = page.length > options.limit;
  return { messages: hasMore ? page.slice(1) : page, hasMore };
}
