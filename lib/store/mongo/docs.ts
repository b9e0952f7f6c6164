/**
 * MongoDB document shapes of the store, and their mapping to the plain objects of `types.ts`. Each
 * record's id is its `_id`; helper fields (lowercased names, epoch times, the seq hint, clientId)
 * never leave this layer, so both stores return identical shapes.
 */
import {
  type Collection,
  type CreateIndexesOptions,
  type Db,
  type IndexSpecification,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";
import type { Message, UserRef } from "@/lib/shared/protocol.ts";
import type { Program, Room, Session, SupportConversation, User } from "../types.ts";
import { timeMs } from "../programs_query.ts";
import { withoutUndefined } from "../records.ts";

export interface RoomDoc extends Omit<Room, "id" | "lastSeq"> {
  _id: string;
  /** Unique. Support rooms get `#support/<id>`, so they never clash with or block a chosen name. */
  nameLower: string;
  /** The highest seq known stored; raised with `$max` only after an insert succeeded (see appendMessage). */
  seq: number;
}

/**
 * `_id` is {@link messageKey}`(room, seq)`: FerretDB 1.24 (SQLite) pushes down no filter but an exact
 * `_id`, so every read of a message is one such lookup. `id` is the message's public ULID.
 */
export interface MessageDoc extends Message {
  _id: string;
  clientId: string;
  /** A change's record (see `changes.ts`): the seq of the message it touched. Not a message. */
  change?: { target: number };
  /** Counts the message's changes (missing: 0), the precondition of the next one. */
  v?: number;
}

/** `_id` = `<room>:<message id>` → the message's seq: how `edit`/`delete`/`react` find it. */
export interface MessageIdDoc {
  _id: string;
  seq: number;
}

/**
 * A lookup aid only, `_id` = {@link clientIdKey}`(room, authorId, clientId)`: written after its message's
 * insert succeeded, so it may be missing (a crash in between) but never names an unstored message.
 */
export interface ClientIdDoc {
  _id: string;
  room: string;
  seq: number;
}

/** Wide enough for any room's seq; fixed width keeps a room's keys in seq order. */
const SEQ_WIDTH = 12;

/** A message's `_id`: unambiguous for any room id, since the seq part has a fixed width. */
export function messageKey(room: string, seq: number): string {
  return `${room}:${String(seq).padStart(SEQ_WIDTH, "0")}`;
}

/**
 * A {@link ClientIdDoc}'s `_id`: a clientId is unique per room and author. Room and author ids are
 * encoded so that they hold no `:`.
 */
export function clientIdKey(room: string, authorId: string, clientId: string): string {
  return `${encodeURIComponent(room)}:${encodeURIComponent(authorId)}:${clientId}`;
}

/**
 * The claim of a message's next version, `_id` = `<room>:<seq>:<v>`, holding the new document: the
 * unique `_id` lets one writer have each version, and whoever finds a claim not yet applied applies
 * it (the writer may have died). Emptied once a later version is applied, so the newest claim holds
 * the message as it is now and no old text outlives an edit or a delete. `msg` and `v` are absent on
 * claims written before 2026-12-02 (those were emptied at once).
 */
export interface MessageRevDoc {
  _id: string;
  /** The message's `_id`. */
  msg?: string;
  v?: number;
  next?: MessageDoc;
}

export interface MemberDoc {
  room: string;
  user: string;
}

export type SessionDoc = Omit<Session, "id"> & { _id: string };
export type UserDoc = Omit<User, "id"> & { _id: string; usernameLower: string };
export type ProgramDoc = Omit<Program, "id"> & { _id: string; startsMs: number; endsMs: number };
/** `rev` counts the conversation's updates (missing: 0); see `mongo_support.ts`. */
export type SupportDoc = Omit<SupportConversation, "room"> & { _id: string; rev?: number };

/** The claim of a conversation's next revision, `_id` = `<room>:<rev>`; see `mongo_support.ts`. */
export interface SupportRevDoc {
  _id: string;
  room: string;
  set: Partial<SupportDoc>;
  at: number;
}

export interface ReadMarkDoc {
  room: string;
  reader: string;
  seq: number;
}

export interface Collections {
  rooms: Collection<RoomDoc>;
  messages: Collection<MessageDoc>;
  clientIds: Collection<ClientIdDoc>;
  messageIds: Collection<MessageIdDoc>;
  messageRevs: Collection<MessageRevDoc>;
  members: Collection<MemberDoc>;
  sessions: Collection<SessionDoc>;
  users: Collection<UserDoc>;
  programs: Collection<ProgramDoc>;
  support: Collection<SupportDoc>;
  readMarks: Collection<ReadMarkDoc>;
  supportRevs: Collection<SupportRevDoc>;
}

export function collections(db: Db): Collections {
  return {
    rooms: db.collection("rooms"),
    messages: db.collection("messages"),
    clientIds: db.collection("clientIds"),
    messageIds: db.collection("messageIds"),
    messageRevs: db.collection("messageRevs"),
    members: db.collection("members"),
    sessions: db.collection("sessions"),
    users: db.collection("users"),
    programs: db.collection("programs"),
    support: db.collection("support"),
    readMarks: db.collection("readMarks"),
    supportRevs: db.collection("supportRevs"),
  };
}

/**
 * Creates the indexes the store relies on; safe to run from every process at start.
 * FerretDB 1.24 (SQLite) quirks: `partialFilterExpression` is not implemented (hence the generated
 * support room names), and a `createIndexes` command listing several indexes that already exist
 * crashes its connection handler ("slice bounds out of range"), so each index gets its own command.
 */
export async function createIndexes(c: Collections): Promise<void> {
  const specs: [keyof Collections, IndexSpecification, CreateIndexesOptions][] = [
    ["messages", { room: 1, seq: 1 }, { name: "room_seq", unique: true }],
    ["messages", { room: 1, "author.id": 1, clientId: 1 }, { name: "room_author_clientId", unique: true }],
    ["rooms", { nameLower: 1 }, { name: "nameLower", unique: true }],
    ["rooms", { inviteCode: 1 }, { name: "inviteCode" }],
    ["rooms", { visibility: 1 }, { name: "visibility" }],
    ["members", { room: 1, user: 1 }, { name: "room_user", unique: true }],
    ["members", { user: 1 }, { name: "user" }],
    ["users", { usernameLower: 1 }, { name: "usernameLower", unique: true }],
    ["programs", { startsMs: 1, _id: 1 }, { name: "startsMs" }],
    ["programs", { endsMs: 1, _id: 1 }, { name: "endsMs" }],
    ["support", { "user.id": 1 }, { name: "userId", unique: true }],
    ["support", { state: 1, createdAt: 1 }, { name: "state_createdAt" }],
    ["readMarks", { room: 1, reader: 1 }, { name: "room_reader", unique: true }],
    ["messageRevs", { msg: 1, v: 1 }, { name: "msg_v" }],
  ];
  for (const [name, key, options] of specs) await c[name].createIndex(key, options);
  // Until 2026-12 a clientId was unique per author across rooms: that index refused the same
  // clientId in another room, so it goes (absent on a new database: nothing to drop).
  await c.messages.dropIndex("author_clientId").catch(() => {});
}

export function roomDoc(room: Room): RoomDoc {
  const { id, lastSeq, ...rest } = withoutUndefined(room);
  // Only public names are unique (see Store); other rooms get a key of their own that blocks nothing.
  const nameLower = room.visibility === "public"
    ? room.name.normalize("NFC").toLowerCase()
    : `#${room.visibility}/${id}`;
  return { _id: id, ...rest, nameLower, seq: lastSeq };
}

export function fromRoomDoc(doc: RoomDoc, lastSeq: number): Room {
  return withoutUndefined({
    id: doc._id,
    name: doc.name,
    visibility: doc.visibility,
    inviteCode: doc.inviteCode,
    ownerId: doc.ownerId,
    createdAt: doc.createdAt,
    lastSeq,
  });
}

export function fromMessageDoc(doc: MessageDoc): Message {
  return withoutUndefined({
    id: doc.id,
    seq: doc.seq,
    room: doc.room,
    kind: doc.kind,
    author: userRef(doc.author),
    text: doc.text,
    program: doc.program,
    file: doc.file,
    notice: doc.notice,
    private: doc.private || undefined,
    at: doc.at,
    editedAt: doc.editedAt,
    deleted: doc.deleted,
    reactions: doc.reactions,
  });
}

export function userRef(ref: UserRef): UserRef {
  return { id: ref.id, name: ref.name, role: ref.role };
}

export function fromSessionDoc({ _id, ...rest }: SessionDoc): Session {
  return { id: _id, ...rest };
}

export function fromUserDoc({ _id, usernameLower: _lower, ...rest }: UserDoc): User {
  return { id: _id, ...rest };
}

export function programDoc(program: Program): ProgramDoc {
  const { id, ...rest } = withoutUndefined(program);
  return { _id: id, ...rest, startsMs: timeMs(program.startsAt), endsMs: timeMs(program.endsAt) };
}

export function fromProgramDoc({ _id, startsMs: _s, endsMs: _e, ...rest }: ProgramDoc): Program {
  return { id: _id, ...rest };
}

export function supportDoc(conversation: SupportConversation): SupportDoc {
  const { room, ...rest } = withoutUndefined(conversation);
  return { _id: room, ...rest };
}

export function fromSupportDoc({ _id, rev: _rev, ...rest }: SupportDoc): SupportConversation {
  return { room: _id, ...rest };
}

/** E11000: a unique index refused the write (FerretDB gives no `keyPattern`, so callers re-read). */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

const SOCKET_ERRORS = new Set([
  "EPIPE",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** Whether the driver could not reach the server (as opposed to the server refusing a command). */
export function isUnreachable(error: unknown): boolean {
  return error instanceof MongoNetworkError || error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError || error instanceof MongoNotConnectedError ||
    // Under Deno, a write on a pooled socket the server closed can surface as a bare EPIPE Error
    // that the driver does not wrap.
    (error instanceof Error && SOCKET_ERRORS.has(String((error as { code?: unknown }).code)));
}
