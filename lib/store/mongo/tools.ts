/**
 * The counselors' tools on MongoDB: collections `replies`, `ratings` (`_id` = room, so a second
 * rating is refused by the unique `_id`), `settings` and `searchFilters`; a counselor's away flag is
 * a field of their `users` document.
 */
import type { Db } from "mongodb";
import { byCreation, type Rating, type SavedReply, type SearchFilter, type ToolsStore } from "../tools.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import { StoreConflictError } from "../errors.ts";
import { type Collections, fromMessageDoc, isDuplicateKey, messageKey } from "./docs.ts";
import type { Message } from "@/lib/shared/protocol.ts";

/** Messages read by `_id` at once per room, and rooms searched at once. */
const SCAN_CHUNK = 20;
const ROOMS_AT_ONCE = 4;

type ReplyDoc = Omit<SavedReply, "id"> & { _id: string };
type RatingDoc = Omit<Rating, "room"> & { _id: string };
interface SettingDoc {
  _id: string;
  value: unknown;
}

/** The tools methods of a MongoDB store over `db` (whose other collections are `c`). */
export function mongoTools(db: Db, c: Collections): ToolsStore {
  const replies = db.collection<ReplyDoc>("replies");
  const ratings = db.collection<RatingDoc>("ratings");
  const settings = db.collection<SettingDoc>("settings");
  const filters = db.collection<Omit<SearchFilter, "room"> & { _id: string }>("searchFilters");
  const fromRating = ({ _id, ...rest }: RatingDoc): Rating => ({ room: _id, ...rest });

  return {
    async listReplies() {
      const docs = await replies.find({}).toArray();
      return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }))
        .sort(byCreation);
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
        if (isDuplicateKey(error)) throw new StoreConflictError("already_rated", "console.err.alreadyRated");
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

    async setCounselorAway(id, away) {
      assertStrings({ id });
      await c.users.updateOne({ _id: id }, { $set: { away: Boolean(away) } });
    },

    async listAwayCounselors() {
      const docs = await c.users.find({ role: "counselor", away: true }, { projection: { _id: 1 } })
        .toArray();
      return docs.map((u) => u._id);
    },

    async listSearchFilters() {
      return (await filters.find({}).toArray()).map(({ _id, ...rest }) => ({ room: _id, ...rest }));
    },

    async matchMessages(rooms, q, perRoom) {
      assertStrings(Object.fromEntries(rooms.map((room, i) => [`room${i}`, room])));
      const needle = String(q).toLowerCase();
      const found: Record<string, Message[]> = {};
      // FerretDB 1.24 (SQLite) pushes down no filter but an exact `_id`: any other query reads the whole
      // collection. So each room is read by its messages' `_id`s, a few rooms at a time.
      async function scan(room: string): Promise<void> {
        const last = (await c.rooms.findOne({ _id: room }, { projection: { seq: 1 } }))?.seq ?? 0;
        const list: Message[] = [];
        for (let from = 1; from <= last && list.length < perRoom; from += SCAN_CHUNK) {
          const seqs = Array.from({ length: Math.min(SCAN_CHUNK, last - from + 1) }, (_, k) => from + k);
          const docs = await Promise.all(
            seqs.map((seq) => c.messages.findOne({ _id: messageKey(room, seq) })),
          );
          for (const doc of docs) {
            if (!doc || doc.kind === "system" || doc.deleted || !doc.text?.toLowerCase().includes(needle)) {
              continue;
            }
            if (list.push(fromMessageDoc(doc)) >= perRoom) break;
          }
        }
        if (list.length > 0) found[room] = list;
      }
      for (let k = 0; k < rooms.length; k += ROOMS_AT_ONCE) {
        await Promise.all(rooms.slice(k, k + ROOMS_AT_ONCE).map(scan));
      }
      return found;
    },

    async getSearchFilter(room) {
      assertStrings({ room });
      const doc = await filters.findOne({ _id: room });
      return doc ? { room, upTo: doc.upTo, bits: doc.bits } : null;
    },

    async putSearchFilter({ room, upTo, bits }) {
      assertStrings({ room, bits });
      // Not atomic on FerretDB; a lost race only leaves `upTo` lower, and the next write reads from there.
      const stored = await filters.findOne({ _id: room });
      if (stored && stored.upTo > upTo) return;
      await filters.updateOne({ _id: room }, { $set: { upTo: Number(upTo), bits } }, { upsert: true });
    },
  };
}
