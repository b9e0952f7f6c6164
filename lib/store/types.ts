/**
 * The one storage interface of Parley. Two implementations: Deno KV (`kv/`, the default) and
 * MongoDB (`mongo/`); both are held to the contract suite in `contract/`.
 *
 * Every id and string a method takes is a plain string validated by the caller; implementations
 * never build a query operator from caller text (search text is escaped, see `escapeRegExp`).
 */
import type {
  FileRef,
  Message,
  MessageKind,
  Notice,
  ProgramSnapshot,
  Role,
  SupportState,
  UserRef,
} from "@/lib/shared/protocol.ts";
import type { Program, ProgramPage, ProgramStatus } from "@/lib/shared/programs.ts";
import type { ToolsStore } from "./tools.ts";
import type { OutboxStore } from "./outbox.ts";
export type { Program, ProgramPage, ProgramStatus };

import type { ChangeMethods } from "./change_types.ts";
export * from "./change_types.ts";

export type Visibility = "public" | "private" | "support";

export interface Room {
  id: string;
  name: string;
  visibility: Visibility;
  /** Only private rooms have one; ≥ 80 random bits, URL-safe. */
  inviteCode?: string;
  ownerId: string;
  createdAt: string;
  /** The highest `seq` stored in the room (0 when empty). */
  lastSeq: number;
}

export interface NewRoom {
  name: string;
  visibility: Visibility;
  ownerId: string;
  inviteCode?: string;
}

export interface NewMessage {
  room: string;
  kind: MessageKind;
  author: UserRef;
  /** Client-made id; (author.id, clientId) is unique: a retry returns the stored message. */
  clientId: string;
  text?: string;
  program?: ProgramSnapshot;
  /** An uploaded attachment (`lib/files/`), already checked to belong to the room and the author. */
  file?: FileRef;
  /** A system line's notice (support claims, closes, transfers), stored as given. */
  notice?: Notice;
  /** A counselors-only note (support rooms). */
  private?: boolean;
}

export interface AppendResult {
  message: Message;
  /** True when (author, clientId) was stored before and nothing new was written. */
  duplicate: boolean;
}

export interface ListMessagesOptions {
  /** Only messages with seq < before. */
  before?: number;
  /** Only messages with seq > after. */
  after?: number;
  /** At most this many; with `after`, the oldest ones after it, otherwise the newest. */
  limit: number;
}

export interface Session {
  id: string;
  userId: string;
  name: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

export interface User {
  id: string;
  /** As typed at signup; uniqueness is on `username.toLowerCase()`. */
  username: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
  /** A counselor's "away" switch from the console; kept here so it outlives every process. */
  away?: boolean;
}

export interface ProgramQuery {
  /** Matched literally, case-insensitively, in title and description. */
  q?: string;
  status: ProgramStatus;
  limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
  now: Date;
}

export interface SupportConversation {
  /** The id of the support room (a Room with visibility "support"). */
  room: string;
  user: UserRef;
  state: SupportState;
  counselor?: UserRef;
  createdAt: string;
  updatedAt: string;
  /** The visitor wrote while every counselor was away (the queue flags it). */
  offline?: boolean;
  /** Where a reply can reach a visitor who left (the widget's optional e-mail and page). */
  contact?: SupportContact;
}

/** A visitor's e-mail address and the page of the site they wrote from (the mail links back there). */
export interface SupportContact {
  email: string;
  page?: string;
  /** The language the visitor read the widget in ("ko" or "en"): the mail is written in it. */
  locale?: string;
}

/** A precondition of `updateSupport`; `counselorId: null` means "nobody has claimed it". */
export interface SupportExpect {
  state?: SupportState;
  counselorId?: string | null;
}

export interface Store extends ToolsStore, ChangeMethods, OutboxStore {
  readonly kind: "kv" | "mongo";

  // Rooms. Names are unique without regard to case among public rooms only; private and support rooms
  // are found by id or invite code, never by name.
  createRoom(input: NewRoom): Promise<Room>;
  getRoom(id: string): Promise<Room | null>;
  /** A public room by name (NFC, case-insensitive); null for private and support rooms. */
  getRoomByName(name: string): Promise<Room | null>;
  getRoomByInvite(code: string): Promise<Room | null>;
  /** One page of public rooms, oldest first: at most `limit`, those with an id after `after`. */
  listPublicRooms(page: { limit: number; after?: string }): Promise<Room[]>;
  setInviteCode(roomId: string, code: string): Promise<void>;
  addMember(roomId: string, userId: string): Promise<void>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  listRoomsOf(userId: string): Promise<Room[]>;

  // Messages. `seq` is assigned here, atomically and gap-free per room.
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /** Oldest first. */
  listMessages(room: string, options: ListMessagesOptions): Promise<Message[]>;
  /**
   * Bulk load for seeding (sample data, benchmarks): appends `inputs`, all of one room, in order with
   * the next seqs, as `appendMessage` would store them but many per write. The caller vouches that
   * no clientId was used before and that nobody else appends to the room meanwhile.
   */
  importMessages?(inputs: NewMessage[]): Promise<number>;
  /** KV under `deno task start`: messages acked from the journal and not yet in KV (for /metrics). */
  journalBacklog?(): number | undefined;

  // Sessions and users.
  putSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | null>;
  deleteSession(id: string): Promise<void>;
  /**
   * Deletes every session of a user except `except` (a password change) and returns the ids it
   * deleted, so their sockets can be closed too. A scan of all sessions on KV: a rare, deliberate act.
   */
  endSessionsOf(userId: string, except?: string): Promise<string[]>;
  /** Throws `StoreConflictError("username_taken")` when the name is taken (case-insensitively). */
  createUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | null>;
  getUserByUsername(username: string): Promise<User | null>;
  /**
   * Changes a user's role, in the account and in every live session of it, so that the new role
   * applies from the user's next request (a scan of all sessions: an operator's command, not a
   * request path).
   */
  setUserRole(id: string, role: Role): Promise<void>;
  setUserPassword(id: string, passwordHash: string): Promise<void>;

  // Programs.
  /** Inserts or replaces; `changed` is false when the stored record was identical (`updatedAt` aside). */
  upsertProgram(program: Program): Promise<{ changed: boolean }>;
  getProgram(id: string): Promise<Program | null>;
  /** `current` by startsAt ascending, `expired` by endsAt descending, `all` by startsAt ascending; ties by id. */
  searchPrograms(query: ProgramQuery): Promise<ProgramPage>;

  // Support conversations: one per user, made on the first call.
  getOrCreateSupport(user: UserRef, make: () => { room: Room; conversation: SupportConversation }): Promise<
    SupportConversation
  >;
  getSupport(room: string): Promise<SupportConversation | null>;
  /** Oldest conversation (createdAt) first. */
  listSupport(state?: SupportState): Promise<SupportConversation[]>;
  /**
   * Patches a conversation; null when there is none. With `expect`, atomically: when the stored
   * conversation does not match it, nothing is written and it throws `StoreConflictError("support_changed")`.
   */
  updateSupport(
    room: string,
    patch: Partial<Pick<SupportConversation, "state" | "counselor" | "offline" | "contact">>,
    expect?: SupportExpect,
  ): Promise<SupportConversation | null>;
  /** The last seq a reader has seen in a room (0 when never). */
  getReadMark(room: string, readerId: string): Promise<number>;
  /** Never moves a mark back (a lower seq than the stored one is ignored). */
  setReadMark(room: string, readerId: string, seq: number): Promise<void>;

  // Counters for fixed-window throttles (`lib/accounts/throttle.ts`), shared by every isolate and process.
  /**
   * Atomically adds 1 to counter `id` and returns the new count. An absent or expired counter starts
   * again at 1 and expires at `expiresAt` (epoch ms); a live counter keeps its expiry.
   */
  bumpCounter(id: string, expiresAt: number): Promise<number>;
  /** The count of counter `id`; 0 when it is absent or expired. */
  readCounter(id: string): Promise<number>;
  /** Deletes counter `id` (a later read is 0, a later bump starts at 1). */
  clearCounter(id: string): Promise<void>;

  /** Throws StoreUnavailableError when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Escapes text so it matches itself literally inside a regular expression.
 *
 * @example
 * escapeRegExp("(a+)+$"); // "\\(a\\+\\)\\+\\$"
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
}
/** The programs and support half of a store, which each implementation builds in its own module. */
export type ProgramsAndSupport = Pick<
  Store,
  | "upsertProgram"
  | "getProgram"
  | "searchPrograms"
  | "getOrCreateSupport"
  | "getSupport"
  | "listSupport"
  | "updateSupport"
>;
