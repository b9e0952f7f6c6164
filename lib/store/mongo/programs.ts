/**
 * The program catalog and support conversations of the MongoDB store. Search text only ever reaches
 * the database escaped by `escapeRegExp`, as the value of a `$regex`: never as an operator.
 */
import type { Filter } from "mongodb";
import type { SupportState } from "@/lib/shared/protocol.ts";
import { escapeRegExp, type ProgramQuery, type ProgramsAndSupport } from "../types.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import { decodeCursor, encodeCursor, pageLimit, programChanged, programOrder } from "../programs_query.ts";
import {
  type Collections,
  fromProgramDoc,
  fromSupportDoc,
  isDuplicateKey,
  type ProgramDoc,
  programDoc,
  roomDoc,
  supportDoc,
} from "./docs.ts";
import { mongoUpdateSupport } from "./support.ts";

function programFilter(query: ProgramQuery): Filter<ProgramDoc> {
  const and: Filter<ProgramDoc>[] = [];
  const now = query.now.getTime();
  if (query.status === "current") and.push({ endsMs: { $gt: now } });
  if (query.status === "expired") and.push({ endsMs: { $lte: now } });
  if (query.q) {
    const pattern = escapeRegExp(String(query.q));
    and.push({
      $or: [{ title: { $regex: pattern, $options: "i" } }, {
        description: { $regex: pattern, $options: "i" },
      }],
    });
  }
  if (query.cursor) {
    const { key, id } = decodeCursor(query.cursor);
    const order = programOrder(query.status);
    const field = order.field === "startsAt" ? "startsMs" : "endsMs";
    and.push({
      $or: [{ [field]: order.descending ? { $lt: key } : { $gt: key } }, { [field]: key, _id: { $gt: id } }],
    });
  }
  return and.length ? { $and: and } : {};
}

/** The program and support methods of a MongoDB store over `c`. */
export function mongoProgramsAndSupport(c: Collections): ProgramsAndSupport {
  async function supportOf(userId: string) {
    const doc = await c.support.findOne({ "user.id": userId });
    return doc ? fromSupportDoc(doc) : null;
  }

  return {
    async upsertProgram(program) {
      assertStrings({ id: program.id });
      const stored = await c.programs.findOne({ _id: program.id });
      if (!programChanged(stored && fromProgramDoc(stored), program)) return { changed: false };
      const { _id, ...rest } = programDoc(program);
      await c.programs.replaceOne({ _id }, rest, { upsert: true });
      return { changed: true };
    },

    async getProgram(id) {
      assertStrings({ id });
      const doc = await c.programs.findOne({ _id: id });
      return doc ? fromProgramDoc(doc) : null;
    },

    async searchPrograms(query) {
      const order = programOrder(query.status);
      const field = order.field === "startsAt" ? "startsMs" : "endsMs";
      const limit = pageLimit(query.limit);
      // One extra tells whether another page follows.
      const docs = await c.programs.find(programFilter(query))
        .sort({ [field]: order.descending ? -1 : 1, _id: 1 }).limit(limit + 1).toArray();
      const programs = docs.slice(0, limit).map(fromProgramDoc);
      const last = docs.length > limit ? docs[limit - 1] : undefined;
      return last ? { programs, nextCursor: encodeCursor({ key: last[field], id: last._id }) } : { programs };
    },

    async getOrCreateSupport(user, make) {
      assertStrings({ userId: user.id });
      const existing = await supportOf(user.id);
      if (existing) return existing;
      const made = make();
      const conversation = withoutUndefined(made.conversation);
      await c.rooms.insertOne(roomDoc(made.room));
      try {
        await c.support.insertOne(supportDoc(conversation));
        return conversation;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // A racing first call won: drop our room and return theirs.
        await c.rooms.deleteOne({ _id: made.room.id });
        const winner = await supportOf(user.id);
        if (!winner) throw error;
        return winner;
      }
    },

    async getSupport(room) {
      assertStrings({ room });
      const doc = await c.support.findOne({ _id: room });
      return doc ? fromSupportDoc(doc) : null;
    },

    async listSupport(state?: SupportState) {
      if (state !== undefined) assertStrings({ state });
      const docs = await c.support.find(state ? { state } : {}).sort({ createdAt: 1, _id: 1 }).toArray();
      return docs.map(fromSupportDoc);
    },

    updateSupport: mongoUpdateSupport(c),
  };
}
