/**
 * Counselors' search across support conversations, by the user's name and the messages' text: taken
 * literally, case-insensitively (Korean alike), a page at a time, newest conversation first.
 */
import type { Message, SupportSummary } from "@/lib/shared/protocol.ts";
import type { Session, Store } from "@/lib/store/types.ts";
import { badRequest } from "@/lib/web/errors.ts";
import { summarize } from "./support.ts";

export const SEARCH_TEXT_MAX = 100;

export interface SearchLine extends SupportSummary {
  nameMatch: boolean;
  matches: Message[];
}

export interface SearchAnswer {
  conversations: SearchLine[];
  nextCursor?: string;
}

/**
 * @example
 * const { conversations, nextCursor } = await searchSupport(store, session, "환불", { limit: 20 });
 */
export async function searchSupport(
  store: Store,
  session: Session,
  q: string,
  { limit = 20, cursor }: { limit?: number; cursor?: string } = {},
): Promise<SearchAnswer> {
  const text = q.normalize("NFC").trim();
  if (text.length < 1 || text.length > SEARCH_TEXT_MAX) throw badRequest("console.err.query", "bad_query");
  if (cursor !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) {
    throw badRequest("console.err.query", "bad_query");
  }
  const page = await store.searchSupport({ q: text, limit, cursor });
  const conversations = await Promise.all(page.hits.map(async (hit) => ({
    ...(await summarize(store, hit.conversation, session.userId)),
    nameMatch: hit.nameMatch,
    matches: hit.matches,
  })));
  return page.nextCursor ? { conversations, nextCursor: page.nextCursor } : { conversations };
}
