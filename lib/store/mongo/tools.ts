/**
 * The counselors' tools on MongoDB: collections `replies`, `ratings` (`_id` = room, so a second
 * rating is refused by the unique `_id`) and `settings`. Search text only reaches the database
 * escaped by `escapeRegExp`, as the value of a `$regex`: never as an operator.
 */
import type { Db } from "mongodb";
import type { Message } from "@/lib/shared/protocol.ts";
import { escapeRegExp } from "../types.ts";
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
import { type Collections, fromMessageDoc, fromSupportDoc, isDuplicateKey } from "./docs.ts";

type ReplyDoc = Omit<SavedReply, "id"> & { _id: string };
type RatingDoc = Omit<Rating, "room"> & { _id: string };
interface SettingDoc {
  _id: string;
  value: unknown;
}

/** Rooms whose messages one search query reads at a time. */
const ROOMS_PER_QUERY = 200;

/** The tools methods of a MongoDB store over `db` (whose other collections are `c`). */
export function mongoTools(db: Db, c: Collections): ToolsStore {
  const replies = db.collection<ReplyDoc>("replies");
  const ratings = db.collection<RatingDoc>("ratings");
  const settings = db.collection<SettingDoc>("settings");
  const fromRating = ({ _id, ...rest }: RatingDoc): Rating => ({ room: _id, ...rest });

  return {
    async listReplies() {
      const docs = await replies.find({}).toArray();
      return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }))
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },

    async createReply(reply) {
      assertStrings({ id: reply.id });
      const { id, ...rest } = withoutUndefined(reply);
      await replies.insertOne({ _id: id, ...rest });
    },

    async deleteReply(id) {
      assertStrings({ id });
      return (await replies.deleteOne({ _id: id })).deletedCount > 0;
    },

    async createRating(rating) {
      assertStrings({ room: rating.room });
      const { room, ...rest } = withoutUndefined(rating);
      try {
        await ratings.insertOne({ _id: room, ...rest });
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict("This conversation was rated already", "already_rated");
        throw error;
      }
    },

    async getRating(room) {
      assertStrings({ room });
      const doc = await ratings.findOne({ _id: room });
      return doc ? fromRating(doc) : null;
    },

    async listRatingsSince(since) {
      assertStrings({ since });
      return (await ratings.find({ at: { $gte: since } }).toArray()).map(fromRating);
    },

    async getSetting(key) {
      assertStrings({ key });
      return (await settings.findOne({ _id: key }))?.value ?? null;
    },

    async putSetting(key, value) {
      assertStrings({ key });
      await settings.updateOne({ _id: key }, { $set: { value } }, { upsert: true });
    },

    async listCounselors() {
      const docs = await c.users.find({ role: "counselor" }).toArray();
      return docs.map((u) => ({ id: u._id, name: u.username, role: u.role }));
    },

    async searchSupport({ q, limit, cursor }) {
      const needle = String(q).toLowerCase();
      const pattern = escapeRegExp(String(q));
      const size = pageLimit(limit);
      const all = (await c.support.find({}).toArray()).map(fromSupportDoc)
        .filter((conv) => cursor === undefined || conv.room < String(cursor))
        .sort(byRoomDescending);
      const hits: SupportSearchHit[] = [];
      // Rooms in page order, a slice per query, until the page (and one more, for `nextCursor`) is full.
      for (let i = 0; i < all.length && hits.length <= size; i += ROOMS_PER_QUERY) {
        const slice = all.slice(i, i + ROOMS_PER_QUERY);
        const found = new Map<string, Message[]>();
        const docs = c.messages.find({
          room: { $in: slice.map((conv) => conv.room) },
          kind: { $ne: "system" },
          text: { $regex: pattern, $options: "i" },
        });
        for await (const doc of docs) {
          const list = found.get(doc.room) ?? [];
          if (list.length < SEARCH_MATCHES_SHOWN) list.push(fromMessageDoc(doc));
          found.set(doc.room, list);
        }
        for (const conversation of slice) {
          const matches = (found.get(conversation.room) ?? []).sort((a, b) => a.seq - b.seq);
          const nameMatch = conversation.user.name.toLowerCase().includes(needle);
          if (!nameMatch && matches.length === 0) continue;
          if (hits.push({ conversation, nameMatch, matches }) > size) break;
        }
      }
      const more = hits.length > size;
      const page = hits.slice(0, size);
      const nextCursor = searchCursor(page, more);
      return nextCursor ? { hits: page, nextCursor } : { hits: page };
    },
  };
}
