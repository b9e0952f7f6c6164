/**
 * Counselors' search across support conversations, by the user's name and the messages' text: taken
 * literally (a plain lowercase `includes`; no pattern is built from it), case-insensitively (Korean
 * alike), a page at a time, newest conversation first. The search filters (`search_index.ts`) leave
 * out the conversations that cannot match; only the others are read.
 */
import type { Message, SupportSummary } from "@/lib/shared/protocol.ts";
import type { Session, Store, SupportConversation } from "@/lib/store/types.ts";
import { badRequest } from "@/lib/web/errors.ts";
import { decodeBits, mayContain, searchable } from "./search_index.ts";

export const SEARCH_TEXT_MAX = 100;
/** Messages a result shows at most. */
export const MATCHES_SHOWN = 3;
const PAGE = 100;

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

/** The first few messages of a conversation whose text contains `needle` (lowercase). */
async function matchesIn(store: Store, room: string, needle: string): Promise<Message[]> {
  const found: Message[] = [];
  // A small first page: a common word is found at once.
  for (let after = 0, limit = 10;; limit = PAGE) {
    const page = await store.listMessages(room, { after, limit });
    for (const m of page) {
      if (searchable(m) && m.text!.toLowerCase().includes(needle) && found.push(m) >= MATCHES_SHOWN) {
        return found;
      }
    }
    if (page.length < limit) return found;
    after = page[page.length - 1].seq;
  }
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
    const found = await Promise.all(batch.map(async (conversation) => {
      const nameMatch = conversation.user.name.normalize("NFC").toLowerCase().includes(needle);
      const filter = filterOf.get(conversation.room);
      // No filter yet (nothing indexed): read it to be sure.
      const maybe = !filter || mayContain(decodeBits(filter), needle);
      const matches = maybe ? await matchesIn(store, conversation.room, needle) : [];
      return { conversation, nameMatch, matches };
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
