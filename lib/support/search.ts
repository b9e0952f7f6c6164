/**
 * Counselors' search across support conversations, by the user's name and the messages' text: taken
 * literally (a plain lowercase `includes`; no pattern is built from it), case-insensitively (Korean
 * alike), a page at a time, newest conversation first. The search filters (`search_index.ts`) leave
 * out the conversations that cannot match; only the others are read.
 */
import type { Message, SupportSummary } from "@/lib/shared/protocol.ts";
import type { Session, Store, SupportConversation } from "@/lib/store/types.ts";
import { badRequest } from "@/lib/web/errors.ts";
import { decodeBits, mayContain } from "./search_index.ts";

export const SEARCH_TEXT_MAX = 100;
/** Messages a result shows at most. */
export const MATCHES_SHOWN = 3;

/** A result: the conversation (as a queue line has it, without unread count or last message). */
export interface SearchLine
  extends Pick<SupportSummary, "room" | "user" | "state" | "counselor" | "updatedAt"> {
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
  _session: Session,
  q: string,
  { limit = 20, cursor }: { limit?: number; cursor?: string } = {},
): Promise<SearchAnswer> {
  const text = q.normalize("NFC").trim();
  if (text.length < 1 || text.length > SEARCH_TEXT_MAX) throw badRequest("console.err.query", "bad_query");
  if (cursor !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) {
    throw badRequest("console.err.query", "bad_query");
  }
  const needle = text.toLowerCase();
  const [all, filters] = await Promise.all([store.listSupport(), store.listSearchFilters()]);
  const filterOf = new Map(filters.map((f) => [f.room, f]));
  const order = all.filter((c) => cursor === undefined || c.room < cursor)
    .sort((a, b) => (a.room < b.room ? 1 : a.room > b.room ? -1 : 0));
  const hits: { conversation: SupportConversation; nameMatch: boolean; matches: Message[] }[] = [];
  // In page order, as many conversations at once as the page still lacks: their reads overlap.
  for (let at = 0; at < order.length && hits.length <= limit;) {
    const batch = order.slice(at, at + limit + 1 - hits.length);
    at += batch.length;
    // Only conversations whose filter may hold the text are read (no filter yet: read it to be sure).
    const maybe = batch.filter((c) => {
      const filter = filterOf.get(c.room);
      return !filter || mayContain(decodeBits(filter), needle);
    }).map((c) => c.room);
    const matched = await store.matchMessages(maybe, text, MATCHES_SHOWN);
    const found = batch.map((conversation) => ({
      conversation,
      nameMatch: conversation.user.name.normalize("NFC").toLowerCase().includes(needle),
      matches: matched[conversation.room] ?? [],
    }));
    for (const hit of found) {
      if ((hit.nameMatch || hit.matches.length > 0) && hits.push(hit) > limit) break;
    }
  }
  const more = hits.length > limit;
  const page = hits.slice(0, limit);
  const conversations = page.map(({ conversation: c, nameMatch, matches }): SearchLine => ({
    room: c.room,
    user: c.user,
    state: c.state,
    ...(c.counselor ? { counselor: c.counselor } : {}),
    updatedAt: c.updatedAt,
    nameMatch,
    matches,
  }));
  return more ? { conversations, nextCursor: page[page.length - 1].conversation.room } : { conversations };
}
