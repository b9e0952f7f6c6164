/**
 * The store on MongoDB (or a compatible server such as FerretDB), with the official driver.
 */
import { MongoClient } from "mongodb";
import { ConfigError } from "@/lib/ops/config_error.ts";
import { StoreConflictError, StoreUnavailableError } from "../errors.ts";
import type { Room, Store } from "../types.ts";
import { assertStrings, newRoomRecord, withoutUndefined, wrapMethods } from "../records.ts";
import { withDeadline } from "@/lib/ops/deadline.ts";
import {
  collections,
  createIndexes,
  fromRoomDoc,
  fromSessionDoc,
  fromUserDoc,
  isDuplicateKey,
  isUnreachable,
  type RoomDoc,
  roomDoc,
} from "./docs.ts";
import { mongoProgramsAndSupport } from "./programs.ts";
import { mongoChanges } from "./changes.ts";
import { mongoMessages } from "./messages.ts";
import { mongoTools } from "./tools.ts";
import { createCounterIndexes, mongoCounters } from "./counters.ts";
import { createOutboxIndexes, mongoOutbox } from "./outbox.ts";

/** A Store on MongoDB, plus `drop()` (deletes the whole database; for tests). */
export interface MongoStore extends Store {
  drop(): Promise<void>;
}

export interface MongoStoreOptions {
  /** Longest a store call may take (an append: queue wait included) before StoreUnavailableError. */
  opTimeoutMs?: number;
}

/** Long enough for FerretDB under load (appends take up to ~2 s), short enough for a person waiting. */
export const STORE_OP_TIMEOUT_MS = 8_000;

/** Bulk and lifecycle calls: as long as they take. */
const UNBOUNDED = new Set(["importMessages", "close", "drop"]);

/** The hosts of a MongoDB URI without credentials, e.g. "db.example.com:27017". */
function hostsOf(uri: string): string {
  return uri.replace(/^[a-z+]+:\/\//i, "").replace(/^[^@/]*@/, "").split(/[/?]/)[0] || uri;
}

/** The database named in the URI's path, else "parley". */
function databaseOf(uri: string): string {
  const path = uri.replace(/^[a-z+]+:\/\/[^/]*/i, "").split("?")[0].replace(/^\//, "");
  return decodeURIComponent(path) || "parley";
}

/**
 * Connects, checks the server answers, creates the indexes. Throws ConfigError for a malformed URI
 * and StoreUnavailableError (one line: `cannot reach MongoDB at host:port: reason`) when unreachable.
 *
 * @example
 * const store = await openMongoStore("mongodb://127.0.0.1:27017/parley");
 */
export async function openMongoStore(
  uri: string,
  { opTimeoutMs = STORE_OP_TIMEOUT_MS }: MongoStoreOptions = {},
): Promise<MongoStore> {
  let client: MongoClient;
  try {
    // A short server selection timeout: an unreachable database should fail start-up (and later
    // requests) within seconds, not the driver's default 30 s.
    client = new MongoClient(uri, {
      serverSelectionTimeoutMS: 3000,
      connectTimeoutMS: 3000,
      // The driver's defaults (0) wait forever on a database that accepts but never answers (a
      // stalled FerretDB, a SIGSTOPped server). Callers get their bound from `opTimeoutMs` below;
      // these make the driver itself give up the socket and the pool slot too, a little later.
      socketTimeoutMS: Math.max(30_000, opTimeoutMs * 2),
      waitQueueTimeoutMS: opTimeoutMs,
    });
  } catch (error) {
    throw new ConfigError(`invalid MongoDB URI: ${(error as Error).message}`);
  }
  const db = client.db(databaseOf(uri));
  const c = collections(db);
  try {
    await client.connect();
    await db.command({ ping: 1 });
    await createIndexes(c);
    await createCounterIndexes(db);
    await createOutboxIndexes(db);
  } catch (error) {
    await client.close().catch(() => {});
    if (!isUnreachable(error)) throw error;
    const reason = (error as Error).message.split("\n")[0];
    throw new StoreUnavailableError(`cannot reach MongoDB at ${hostsOf(uri)}: ${reason}`, { cause: error });
  }

  async function withSeq(doc: RoomDoc | null): Promise<Room | null> {
    return doc ? fromRoomDoc(doc, await lastSeqOf(doc)) : null;
  }

  const messages = mongoMessages(c, { timeoutMs: opTimeoutMs });
  const lastSeqOf = messages.lastSeqOf;
  const counters = mongoCounters(db);

  const store: MongoStore = {
    kind: "mongo",

    async createRoom(input) {
      assertStrings({ name: input.name, ownerId: input.ownerId });
      const room: Room = { ...newRoomRecord(input), lastSeq: 0 };
      try {
        await c.rooms.insertOne(roomDoc(room));
      } catch (error) {
        if (isDuplicateKey(error)) {
          throw new StoreConflictError("room_exists", `A public room named "${room.name}" already exists`);
        }
        throw error;
      }
      return room;
    },

    async getRoom(id) {
      assertStrings({ id });
      return await withSeq(await c.rooms.findOne({ _id: id }));
    },

    async getRoomByName(name) {
      assertStrings({ name });
      return await withSeq(
        await c.rooms.findOne({ nameLower: name.normalize("NFC").toLowerCase(), visibility: "public" }),
      );
    },

    async getRoomByInvite(code) {
      assertStrings({ code });
      return await withSeq(await c.rooms.findOne({ inviteCode: code }));
    },

    async listPublicRooms({ limit, after }) {
      if (after !== undefined) assertStrings({ after });
      const filter = after === undefined
        ? { visibility: "public" }
        : { visibility: "public", _id: { $gt: after } };
      const docs = await c.rooms.find(filter as { visibility: "public" }).sort({ _id: 1 }).limit(limit)
        .toArray();
      return await Promise.all(docs.map(async (doc) => fromRoomDoc(doc, await lastSeqOf(doc))));
    },

    async setInviteCode(roomId, code) {
      assertStrings({ roomId, code });
      await c.rooms.updateOne({ _id: roomId }, { $set: { inviteCode: code } });
    },

    async addMember(roomId, userId) {
      assertStrings({ roomId, userId });
      try {
        await c.members.updateOne({ room: roomId, user: userId }, {
          $setOnInsert: { room: roomId, user: userId },
        }, {
          upsert: true,
        });
      } catch (error) {
        // Two upserts raced; the other one stored the membership.
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async isMember(roomId, userId) {
      assertStrings({ roomId, userId });
      return (await c.members.findOne({ room: roomId, user: userId })) !== null;
    },

    async listRoomsOf(userId) {
      assertStrings({ userId });
      const ids = (await c.members.find({ user: userId }).toArray()).map((m) => m.room);
      const docs = await c.rooms.find({ _id: { $in: ids } }).sort({ _id: 1 }).toArray();
      return await Promise.all(docs.map(async (doc) => fromRoomDoc(doc, await lastSeqOf(doc))));
    },

    appendMessage: messages.appendMessage,
    listMessages: messages.listMessages,
    importMessages: messages.importMessages,

    async putSession(session) {
      assertStrings({ id: session.id });
      const { id, ...rest } = withoutUndefined(session);
      await c.sessions.replaceOne({ _id: id }, rest, { upsert: true });
    },

    async getSession(id) {
      assertStrings({ id });
      const doc = await c.sessions.findOne({ _id: id });
      return doc ? fromSessionDoc(doc) : null;
    },

    async deleteSession(id) {
      assertStrings({ id });
      await c.sessions.deleteOne({ _id: id });
    },

    async endSessionsOf(userId, except) {
      assertStrings({ userId });
      if (except !== undefined) assertStrings({ except });
      const filter = except === undefined ? { userId } : { userId, _id: { $ne: except } };
      const ids = (await c.sessions.find(filter, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
      if (ids.length > 0) await c.sessions.deleteMany({ _id: { $in: ids } });
      return ids;
    },

    async createUser(user) {
      assertStrings({ id: user.id, username: user.username });
      const { id, ...rest } = withoutUndefined(user);
      try {
        await c.users.insertOne({ _id: id, ...rest, usernameLower: user.username.toLowerCase() });
      } catch (error) {
        if (isDuplicateKey(error)) {
          throw new StoreConflictError("username_taken", `The username "${user.username}" is taken`);
        }
        throw error;
      }
    },

    async getUser(id) {
      assertStrings({ id });
      const doc = await c.users.findOne({ _id: id });
      return doc ? fromUserDoc(doc) : null;
    },

    async getUserByUsername(username) {
      assertStrings({ username });
      const doc = await c.users.findOne({ usernameLower: username.toLowerCase() });
      return doc ? fromUserDoc(doc) : null;
    },

    async setUserRole(id, role) {
      assertStrings({ id, role });
      await c.users.updateOne({ _id: id }, { $set: { role } });
      await c.sessions.updateMany({ userId: id }, { $set: { role } });
    },

    async setUserPassword(id, passwordHash) {
      assertStrings({ id, passwordHash });
      await c.users.updateOne({ _id: id }, { $set: { passwordHash } });
    },

    ...mongoProgramsAndSupport(c),
    ...mongoChanges(c, messages),
    ...mongoTools(db, c),
    ...mongoOutbox(db),
    bumpCounter: counters.bumpCounter,
    readCounter: counters.readCounter,
    clearCounter: counters.clearCounter,

    async getReadMark(room, readerId) {
      assertStrings({ room, readerId });
      return (await c.readMarks.findOne({ room, reader: readerId }))?.seq ?? 0;
    },

    async setReadMark(room, readerId, seq) {
      assertStrings({ room, readerId });
      const write = () =>
        c.readMarks.updateOne({ room, reader: readerId }, { $max: { seq: Number(seq) } }, { upsert: true });
      // Two first upserts may race on the unique index; the second try then updates.
      await write().catch((error) => isDuplicateKey(error) ? write() : Promise.reject(error));
    },

    async ping() {
      await db.command({ ping: 1 });
    },

    async close() {
      await counters.settle();
      await client.close();
    },

    async drop() {
      await db.dropDatabase();
    },
  };
  // A lost connection, or a call past its bound, surfaces as StoreUnavailableError, so the app answers
  // 503 `unavailable` and the hub an `unavailable` error frame.
  return wrapMethods(store, async (call, name) => {
    try {
      return UNBOUNDED.has(name) ? await call() : await withDeadline(call(), opTimeoutMs, name);
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      throw new StoreUnavailableError(`MongoDB is unreachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
  });
}
