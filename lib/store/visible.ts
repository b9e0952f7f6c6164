/**
 * What a reader may see of a room's history: private notes (counselors-only, support rooms) are left
 * out for everyone but counselors. Pages stay full: when notes were dropped, the next page is read.
 */
import type { Message, Role } from "@/lib/shared/protocol.ts";
import type { ListMessagesOptions, Store } from "./types.ts";

/** Whether a reader of this role receives private notes. */
export function seesNotes(role: Role): boolean {
  return role === "counselor";
}

/**
 * `store.listMessages` as `role` may see it: the same page, without private notes unless a counselor.
 *
 * @example
 * const page = await listVisibleMessages(store, roomId, { limit: 50 }, session.role);
 */
export async function listVisibleMessages(
  store: Pick<Store, "listMessages">,
  room: string,
  options: ListMessagesOptions,
  role: Role,
): Promise<Message[]> {
  if (seesNotes(role) || options.limit <= 0) return await store.listMessages(room, options);
  const wanted = options.limit;
  const kept: Message[] = [];
  if (options.after !== undefined) {
    let after = options.after;
    for (;;) {
      const batch = await store.listMessages(room, { ...options, after, limit: wanted });
      kept.push(...batch.filter((m) => !m.private));
      if (kept.length >= wanted || batch.length < wanted) return kept.slice(0, wanted);
      after = batch[batch.length - 1].seq;
    }
  }
  let before = options.before;
  for (;;) {
    const batch = await store.listMessages(room, { ...options, before, limit: wanted });
    kept.unshift(...batch.filter((m) => !m.private));
    if (kept.length >= wanted || batch.length < wanted) return kept.slice(-wanted);
    before = batch[0].seq;
  }
}
