/**
 * The embedded store on Deno KV. Every isolate of a `deno serve --parallel` deployment opens the same
 * file; KV's atomic checks make `seq` and the unique names safe across them.
 *
 * Keys:
 *   ["room", id] → Room (without lastSeq)      ["roomSeq", id] → number, the last seq
 *   ["roomByName", nameLower] → id (public rooms only)   ["roomByInvite", code] → id
 *   ["publicRoom", id] → 1 (the lobby's index, so a page never reads every room)
 *   ["member", roomId, userId] → 1             ["roomOf", userId, roomId] → 1
 *   ["msgs", room, firstSeq] → Message[] (chunks.ts)
 *   ["clientIds", room, authorId, segment] → Uint8Array, 32 entries of the author's clientId history (client_ids.ts)
 *   ["session", id] ["user", id] ["userByName", usernameLower] → id
 *   ["program", id] ["support", room] ["supportByUser", userId] → room
 *   ["readMark", room, readerId] → number      ["change", room, seq]: changes.ts
 *   before chunks: ["msg", room, seq] (moved into chunks on open), ["msgId"], ["msgByClient"]: legacy.ts
 *   ["counter", id] → {n, expiresAt} (throttle counts; KV drops them after expiresAt)
 *   ["mail", id] ["mailDue", nextAt, id]: the mail outbox, outbox.ts
 */
import type { Message } from "@/lib/shared/protocol.ts";
import { StoreConflictError } from "../errors.ts";
import type { AppendResult, NewMessage, NewRoom, Room, Session, Store, User } from "../types.ts";
import { assertStrings, newRoomRecord, withoutUndefined, wrapMethods } from "../records.ts";
import { retryAtomic, retryWhileLocked } from "./retry.ts";
import { kvProgramsAndSupport } from "./programs.ts";
import { kvAppender } from "./append.ts";
import { remoteAppender } from "./writer.ts";
import { journalDir, lockBeside } from "./journal.ts";
import { replayJournal } from "./journal_apply.ts";
import { besideWriter, seeJournal } from "./journal_reads.ts";
import { importKvMessages } from "./import.ts";
import { ascending, descending } from "./chunks.ts";
import { toChunkLayout } from "./legacy.ts";
import { kvCounters } from "./counters.ts";
import { kvChanges } from "./changes.ts";
import { kvTools } from "./tools.ts";
import { kvOutbox } from "./outbox.ts";

type StoredRoom = Omit<Room, "lastSeq">;

/**
 * Opens the Deno KV store at `path` (":memory:" for tests; none on Deno Deploy).
 *
 * @example
 * const store = await openKvStore(":memory:");
 */
export async function openKvStore(path?: string, options: { appends?: MessagePort } = {}): Promise<Store> {
  // Isolates opening one file at the same moment can find it locked.
  const kv = await retryWhileLocked(() => Deno.openKv(path));
  // A handle committing on its own writes no messages beside a running journal's writer, and brings
  // KV up to a journal left by one that stopped (journal.ts). A worker under the writer needs neither.
  const { lock, beside } = path && path !== ":memory:" && !options.appends
    ? await lockBeside(path, () => replayJournal(kv, journalDir(path))).catch((error) => {
      kv.close();
      throw error;
    })
    : { lock: undefined, beside: false };
  await indexPublicRooms(kv);
  // Before the appender or any reader runs: no reader looks at the pre-chunk layout (legacy.ts).
  await retryWhileLocked(() => toChunkLayout(kv));
  // Given a port, appends are committed by the file's one writer at its other end (writer.ts).
  const remote = options.appends && remoteAppender(options.appends);
  const appender = remote ?? kvAppender(kv);

  async function withSeq(room: StoredRoom | null): Promise<Room | null> {
    if (!room) return null;
    await remote?.synced(room.id);
    const seq = await kv.get<number>(["roomSeq", room.id]);
    return { ...room, lastSeq: seq.value ?? 0 };
  }

  async function roomsByIds(ids: string[]): Promise<Room[]> {
    const rooms: Room[] = [];
    // getMany takes at most 10 keys.
    for (let i = 0; i < ids.length; i += 10) {
      const entries = await kv.getMany<StoredRoom[]>(ids.slice(i, i + 10).map((id) => ["room", id]));
      for (const entry of entries) {
        const room = await withSeq(entry.value);
        if (room) rooms.push(room);
      }
    }
    return rooms;
  }

  async function roomIdAt(key: Deno.KvKey): Promise<Room | null> {
    const id = await kv.get<string>(key);
    return id.value ? withSeq((await kv.get<StoredRoom>(["room", id.value])).value) : null;
  }

  const store: Store = {
    kind: "kv",

    async createRoom(input: NewRoom): Promise<Room> {
      assertStrings({ name: input.name, ownerId: input.ownerId });
      const room: StoredRoom = newRoomRecord(input);
      const op = kv.atomic().check({ key: ["room", room.id], versionstamp: null }).set(
        ["room", room.id],
        room,
      );
      // Only public names are unique: a private room's name tells a stranger nothing, not even
      // that it is taken.
      if (room.visibility === "public") {
        const nameKey = ["roomByName", room.name.normalize("NFC").toLowerCase()];
        op.check({ key: nameKey, versionstamp: null }).set(nameKey, room.id).set(["publicRoom", room.id], 1);
      }
      if (room.inviteCode) op.set(["roomByInvite", room.inviteCode], room.id);
      const result = await op.commit();
      if (!result.ok) {
        throw new StoreConflictError("room_exists", `A public room named "${room.name}" already exists`);
      }
      return { ...room, lastSeq: 0 };
    },

    async getRoom(id) {
      assertStrings({ id });
      // One read for both keys: every join starts here.
      const [room, seq] = await kv.getMany<[StoredRoom, number]>([["room", id], ["roomSeq", id]]);
      return room.value ? { ...room.value, lastSeq: seq.value ?? 0 } : null;
    },

    async getRoomByName(name) {
      assertStrings({ name });
      // Rooms made before names were public-only may still be indexed: private ones are not answered.
      const room = await roomIdAt(["roomByName", name.normalize("NFC").toLowerCase()]);
      return room?.visibility === "public" ? room : null;
    },

    async getRoomByInvite(code) {
      assertStrings({ code });
      return await roomIdAt(["roomByInvite", code]);
    },

    async listPublicRooms({ limit, after }) {
      // ULIDs sort by creation time, so the index's key order is the lobby's order.
      const selector = after
        ? { start: ["publicRoom", `${after}\u0000`], end: ["publicRoom", "\uffff"] }
        : { prefix: ["publicRoom"] };
      const ids: string[] = [];
      for await (const entry of kv.list(selector, { limit })) ids.push(entry.key[1] as string);
      return roomsByIds(ids);
    },

    async setInviteCode(roomId, code) {
      assertStrings({ roomId, code });
      await retryAtomic(async () => {
        const entry = await kv.get<StoredRoom>(["room", roomId]);
        if (!entry.value) return true;
        const op = kv.atomic().check(entry).set(["room", roomId], { ...entry.value, inviteCode: code })
          .set(["roomByInvite", code], roomId);
        if (entry.value.inviteCode && entry.value.inviteCode !== code) {
          op.delete(["roomByInvite", entry.value.inviteCode]);
        }
        return (await op.commit()).ok || undefined;
      });
    },

    async addMember(roomId, userId) {
      assertStrings({ roomId, userId });
      await kv.atomic().set(["member", roomId, userId], 1).set(["roomOf", userId, roomId], 1).commit();
    },

    async isMember(roomId, userId) {
      assertStrings({ roomId, userId });
      return (await kv.get(["member", roomId, userId])).value !== null;
    },

    async listRoomsOf(userId) {
      assertStrings({ userId });
      const ids: string[] = [];
      for await (const entry of kv.list({ prefix: ["roomOf", userId] })) ids.push(entry.key[2] as string);
      return roomsByIds(ids);
    },

    appendMessage(input: NewMessage): Promise<AppendResult> {
      assertStrings({ room: input.room, authorId: input.author.id, clientId: input.clientId });
      return appender.append(input);
    },

    importMessages(inputs) {
      return importKvMessages(kv, inputs);
    },

    async listMessages(room, { before, after, limit }) {
      assertStrings({ room });
      if (limit <= 0) return [];
      const low = Math.max(after ?? 0, 0) + 1;
      const high = before ?? Number.MAX_SAFE_INTEGER;
      if (low >= high) return [];
      const messages: Message[] = [];
      const iter = after === undefined
        ? descending(kv, room, low, high, limit)
        : ascending(kv, room, low, high, limit);
      for await (const message of iter) if (messages.push(message) >= limit) break;
      return after === undefined ? messages.reverse() : messages;
    },

    async putSession(session) {
      assertStrings({ id: session.id });
      // KV deletes the record some time after it expires (cleanup only: callers check expiresAt).
      const expireIn = Date.parse(session.expiresAt) - Date.now();
      await kv.set(["session", session.id], withoutUndefined(session), expireIn > 0 ? { expireIn } : {});
    },

    async getSession(id) {
      assertStrings({ id });
      return (await kv.get<Session>(["session", id])).value;
    },

    async deleteSession(id) {
      assertStrings({ id });
      await kv.delete(["session", id]);
    },

    async endSessionsOf(userId, except) {
      assertStrings({ userId });
      const ended: string[] = [];
      for await (const entry of kv.list<Session>({ prefix: ["session"] })) {
        if (entry.value.userId !== userId || entry.value.id === except) continue;
        await kv.delete(entry.key);
        ended.push(entry.value.id);
      }
      return ended;
    },

    async createUser(user) {
      assertStrings({ id: user.id, username: user.username });
      const nameKey = ["userByName", user.username.toLowerCase()];
      const result = await kv.atomic()
        .check({ key: nameKey, versionstamp: null }, { key: ["user", user.id], versionstamp: null })
        .set(nameKey, user.id).set(["user", user.id], withoutUndefined(user)).commit();
      if (!result.ok) {
        throw new StoreConflictError("username_taken", `The username "${user.username}" is taken`);
      }
    },

    async getUser(id) {
      assertStrings({ id });
      return (await kv.get<User>(["user", id])).value;
    },

    async getUserByUsername(username) {
      assertStrings({ username });
      const id = await kv.get<string>(["userByName", username.toLowerCase()]);
      return id.value ? (await kv.get<User>(["user", id.value])).value : null;
    },

    async setUserRole(id, role) {
      await updateUser(id, { role });
      for await (const entry of kv.list<Session>({ prefix: ["session"] })) {
        if (entry.value.userId !== id || entry.value.role === role) continue;
        const expireIn = Date.parse(entry.value.expiresAt) - Date.now();
        if (expireIn <= 0) continue;
        // Only if the session is unchanged meanwhile (a logout deletes it: it must stay deleted).
        await kv.atomic().check(entry).set(entry.key, { ...entry.value, role }, { expireIn }).commit();
      }
    },

    async setUserPassword(id, passwordHash) {
      await updateUser(id, { passwordHash });
    },

    ...kvProgramsAndSupport(kv),

    async getReadMark(room, readerId) {
      assertStrings({ room, readerId });
      return (await kv.get<number>(["readMark", room, readerId])).value ?? 0;
    },

    async setReadMark(room, readerId, seq) {
      assertStrings({ room, readerId });
      const key = ["readMark", room, readerId];
      await retryAtomic(async () => {
        const entry = await kv.get<number>(key);
        if ((entry.value ?? 0) >= seq) return true;
        return (await kv.atomic().check(entry).set(key, seq).commit()).ok || undefined;
      });
    },

    ...kvCounters(kv),
    ...kvChanges(kv),
    ...kvTools(kv),
    ...kvOutbox(kv),

    async ping() {
      await kv.get(["ping"]);
    },

    close() {
      remote?.close();
      kv.close();
      lock?.close();
      return Promise.resolve();
    },
  };

  async function updateUser(id: string, patch: Partial<User>) {
    assertStrings({ id });
    await retryAtomic(async () => {
      const entry = await kv.get<User>(["user", id]);
      if (!entry.value) return true;
      return (await kv.atomic().check(entry).set(["user", id], { ...entry.value, ...patch }).commit()).ok ||
        undefined;
    });
  }

  // Plain reads and writes can meet "database is locked" too when isolates share the file; every
  // method is safe to run again (a refused write wrote nothing).
  const journaled = remote ? seeJournal(store, remote) : beside ? besideWriter(store, path!) : store;
  const wrapped = wrapMethods(journaled, retryWhileLocked);
  // Not wrapped: a plain number for /metrics, not a call that can meet a locked file.
  return remote ? { ...wrapped, journalBacklog: () => remote.backlog() } : wrapped;
}

/**
 * Builds the lobby's index once for a file made before it existed (one scan, then never again: a
 * marker key says it is done). Idempotent, so isolates that race here write the same keys.
 */
async function indexPublicRooms(kv: Deno.Kv): Promise<void> {
  if ((await kv.get(["publicRoomIndexed"])).value) return;
  for await (const entry of kv.list<StoredRoom>({ prefix: ["room"] })) {
    if (entry.value.visibility === "public") await kv.set(["publicRoom", entry.value.id], 1);
  }
  await kv.set(["publicRoomIndexed"], 1);
}
