/**
 * The counselors' tools on Deno KV. Keys:
 *   ["reply", id] → SavedReply      ["rating", room] → Rating      ["setting", key] → value
 *   ["searchFilter", room] → SearchFilter
 * A counselor's away flag is a field of their ["user", id] record.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import type { User } from "../types.ts";
import { byCreation, type Rating, type SavedReply, type SearchFilter, type ToolsStore } from "../tools.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import { StoreConflictError } from "../errors.ts";
import { retryAtomic } from "./retry.ts";
import { allMessages } from "./chunks.ts";

/** The tools methods of a KV store over `kv`. */
export function kvTools(kv: Deno.Kv): ToolsStore {
  return {
    async listReplies() {
      const replies: SavedReply[] = [];
      for await (const entry of kv.list<SavedReply>({ prefix: ["reply"] })) replies.push(entry.value);
      return replies.sort(byCreation);
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
      if (!result.ok) throw new StoreConflictError("already_rated", "console.err.alreadyRated");
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

    async setCounselorAway(id, away) {
      assertStrings({ id });
      const key = ["user", id];
      await retryAtomic(async () => {
        const entry = await kv.get<User>(key);
        if (!entry.value) return true;
        return (await kv.atomic().check(entry).set(key, { ...entry.value, away: Boolean(away) }).commit())
          .ok ||
          undefined;
      });
    },

    async listAwayCounselors() {
      const ids = [];
      for await (const entry of kv.list<User>({ prefix: ["user"] })) {
        if (entry.value.role === "counselor" && entry.value.away) ids.push(entry.value.id);
      }
      return ids;
    },

    async listSearchFilters() {
      const filters: SearchFilter[] = [];
      for await (const entry of kv.list<SearchFilter>({ prefix: ["searchFilter"] })) {
        filters.push(entry.value);
      }
      return filters;
    },

    async matchMessages(rooms, q, perRoom) {
      const needle = String(q).toLowerCase();
      const found: Record<string, Message[]> = {};
      await Promise.all(rooms.map(async (room) => {
        assertStrings({ room });
        const list: Message[] = [];
        for await (const value of allMessages(kv, room)) {
          if (value.kind === "system" || value.deleted || !value.text?.toLowerCase().includes(needle)) {
            continue;
          }
          if (list.push(value) >= perRoom) break;
        }
        if (list.length > 0) found[room] = list;
      }));
      return found;
    },

    async getSearchFilter(room) {
      assertStrings({ room });
      return (await kv.get<SearchFilter>(["searchFilter", room])).value;
    },

    async putSearchFilter(filter) {
      assertStrings({ room: filter.room });
      const key = ["searchFilter", filter.room];
      await retryAtomic(async () => {
        const entry = await kv.get<SearchFilter>(key);
        if (entry.value && entry.value.upTo > filter.upTo) return true;
        return (await kv.atomic().check(entry).set(key, filter).commit()).ok || undefined;
      });
    },
  };
}
