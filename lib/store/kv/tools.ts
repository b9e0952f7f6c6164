/**
 * The counselors' tools on Deno KV. Keys:
 *   ["reply", id] → SavedReply      ["rating", room] → Rating      ["setting", key] → value
 * Search reads the support conversations and their messages and matches with a plain lowercase
 * `includes`: no pattern is built from the search text at all.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import type { SupportConversation, User } from "../types.ts";
import {
  byRoomDescending,
  type Rating,
  type SavedReply,
  SEARCH_MATCHES_SHOWN,
  searchCursor,
  type SupportSearchHit,
  type ToolsStore,
} from "../tools.ts";
import { assertStrings, pageLimit, withoutUndefined } from "../shared.ts";
import { conflict } from "@/lib/web/errors.ts";

/** The tools methods of a KV store over `kv`. */
export function kvTools(kv: Deno.Kv): ToolsStore {
  return {
    async listReplies() {
      const replies: SavedReply[] = [];
      for await (const entry of kv.list<SavedReply>({ prefix: ["reply"] })) replies.push(entry.value);
      return replies.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },

    async createReply(reply) {
      assertStrings({ id: reply.id });
      await kv.set(["reply", reply.id], withoutUndefined(reply));
    },

    async deleteReply(id) {
      assertStrings({ id });
      const entry = await kv.get(["reply", id]);
      if (entry.value === null) return false;
      await kv.delete(["reply", id]);
      return true;
    },

    async createRating(rating) {
      assertStrings({ room: rating.room });
      const key = ["rating", rating.room];
      const result = await kv.atomic().check({ key, versionstamp: null }).set(key, withoutUndefined(rating))
        .commit();
      if (!result.ok) throw conflict("This conversation was rated already", "already_rated");
    },

    async getRating(room) {
      assertStrings({ room });
      return (await kv.get<Rating>(["rating", room])).value;
    },

    async listRatingsSince(since) {
      const ratings: Rating[] = [];
      for await (const entry of kv.list<Rating>({ prefix: ["rating"] })) {
        if (entry.value.at >= since) ratings.push(entry.value);
      }
      return ratings;
    },

    async getSetting(key) {
      assertStrings({ key });
      return (await kv.get(["setting", key])).value;
    },

    async putSetting(key, value) {
      assertStrings({ key });
      await kv.set(["setting", key], value);
    },

    async listCounselors() {
      const counselors = [];
      for await (const entry of kv.list<User>({ prefix: ["user"] })) {
        const user = entry.value;
        if (user.role === "counselor") counselors.push({ id: user.id, name: user.username, role: user.role });
      }
      return counselors;
    },

    async searchSupport({ q, limit, cursor }) {
      const needle = String(q).toLowerCase();
      const size = pageLimit(limit);
      const conversations: SupportConversation[] = [];
      for await (const entry of kv.list<SupportConversation>({ prefix: ["support"] })) {
        if (cursor === undefined || entry.value.room < cursor) conversations.push(entry.value);
      }
      conversations.sort(byRoomDescending);
      const hits: SupportSearchHit[] = [];
      for (const conversation of conversations) {
        const matches: Message[] = [];
        const iter = kv.list<Message>({ prefix: ["msg", conversation.room] });
        for await (const { value } of iter) {
          if (value.kind !== "system" && value.text?.toLowerCase().includes(needle)) {
            if (matches.push(value) >= SEARCH_MATCHES_SHOWN) break;
          }
        }
        const nameMatch = conversation.user.name.toLowerCase().includes(needle);
        if (!nameMatch && matches.length === 0) continue;
        if (hits.push({ conversation, nameMatch, matches }) > size) break;
      }
      const more = hits.length > size;
      const page = hits.slice(0, size);
      const nextCursor = searchCursor(page, more);
      return nextCursor ? { hits: page, nextCursor } : { hits: page };
    },
  };
}
