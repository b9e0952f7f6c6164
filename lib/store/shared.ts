/**
 * Helpers both stores share, so they return identical shapes and page programs the same way.
 */
import { monotonicFactory } from "ulid";
import { badRequest, conflict, StoreUnavailableError } from "@/lib/web/errors.ts";
import type {
  NewRoom,
  Program,
  ProgramQuery,
  Room,
  Store,
  SupportConversation,
  SupportExpect,
} from "./types.ts";

const ulid = monotonicFactory();

/**
 * Throws a TypeError unless every value is a string: ids reach queries, and a non-string (an object
 * such as `{ $ne: "" }`) must never become a query operator.
 *
 * @example
 * assertStrings({ id }); // throws TypeError when `id` is not a string
 */
export function assertStrings(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "string") throw new TypeError(`${name} must be a string, got ${typeof value}`);
  }
}

/**
 * A copy without `undefined` properties (one level deep into plain objects), so KV (which keeps
 * them) and MongoDB (which turns them into null) store the same thing.
 *
 * @example
 * withoutUndefined({ a: 1, b: undefined }); // { a: 1 }
 */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    out[key] = item && typeof item === "object" && !Array.isArray(item) ? withoutUndefined(item) : item;
  }
  return out as T;
}

/** Object keys sorted recursively, so equal records serialize equally. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * Whether two program records differ in anything but `updatedAt` (a reload that stamps a new time on
 * the same data is not a change).
 *
 * @example
 * programChanged(stored, incoming); // false when only updatedAt differs
 */
export function programChanged(stored: Program | null, incoming: Program): boolean {
  if (!stored) return true;
  const strip = (p: Program) => JSON.stringify(canonical(withoutUndefined({ ...p, updatedAt: undefined })));
  return strip(stored) !== strip(incoming);
}

/**
 * How a status orders programs: `current` by start (soonest first), `expired` by end (latest first),
 * `all` by start. Ties go by id, ascending. Times compare as epoch ms, since ISO strings in
 * different forms ("…Z" vs "….000Z") do not sort lexically.
 */
export interface ProgramOrder {
  field: "startsAt" | "endsAt";
  descending: boolean;
}

export function programOrder(status: ProgramQuery["status"]): ProgramOrder {
  return status === "expired"
    ? { field: "endsAt", descending: true }
    : { field: "startsAt", descending: false };
}

/** Epoch ms of an ISO time; NaN for a bad one sorts as 0 so paging stays stable. */
export function timeMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Where a page ended: the sort value and id of its last program. */
export interface ProgramCursor {
  key: number;
  id: string;
}

/**
 * Encodes a page position as an opaque URL-safe token.
 *
 * @example
 * decodeCursor(encodeCursor({ key: 1, id: "p1" })); // { key: 1, id: "p1" }
 */
export function encodeCursor(cursor: ProgramCursor): string {
  return btoa(JSON.stringify([cursor.key, cursor.id])).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Reads a token from {@link encodeCursor}; throws `HttpError(400)` for anything else. */
export function decodeCursor(token: string): ProgramCursor {
  try {
    const [key, id] = JSON.parse(atob(token.replaceAll("-", "+").replaceAll("_", "/")));
    if (typeof key === "number" && Number.isFinite(key) && typeof id === "string") return { key, id };
  } catch {
    // Falls through to the error below.
  }
  throw badRequest("Bad cursor");
}

/**
 * Whether a program matches the status at `now`: current = ends after now, expired = ended.
 *
 * @example
 * matchesStatus(program, "current", new Date());
 */
export function matchesStatus(program: Program, status: ProgramQuery["status"], now: Date): boolean {
  if (status === "all") return true;
  const current = timeMs(program.endsAt) > now.getTime();
  return status === "current" ? current : !current;
}

/** Clamps a page size to 1…100. */
export function pageLimit(limit: number): number {
  return Math.max(1, Math.min(100, Math.floor(limit) || 1));
}

/** Whether SQLite refused a write because another isolate or process holds the lock. */
export function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked/i.test(error.message);
}

/**
 * Runs `call` again while SQLite answers "database is locked" (another isolate or process on the
 * same KV file holds the lock), a few times with a short random pause. Only for calls that wrote
 * nothing when refused.
 *
 * @example
 * const kv = await retryWhileLocked(() => Deno.openKv(path));
 */
export async function retryWhileLocked<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await call();
    } catch (error) {
      if (!isLocked(error) || i >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

/**
 * Runs `attempt` until it returns something other than `undefined` (KV atomic commits that lost a
 * race return `undefined` to go again).
 *
 * @example
 * await retryAtomic(async () => (await op().commit()).ok || undefined);
 */
export async function retryAtomic<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0;; i++) {
    let result: T | undefined;
    try {
      result = await attempt();
    } catch (error) {
      // Several isolates or processes on one KV file: SQLite answers "database is locked" when another
      // one holds the write lock past its busy timeout. Nothing was written, so going again is safe.
      if (!isLocked(error) || i > 200) throw error;
    }
    if (result !== undefined) return result;
    // Many writers on one key: a little random back-off keeps them from colliding in lockstep.
    if (i > 3) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(i, 20)));
  }
}

/**
 * A copy of `target` whose every method runs through `around` (for uniform error handling).
 *
 * @example
 * wrapMethods(store, async (call) => { try { return await call(); } catch (e) { throw map(e); } });
 */
export function wrapMethods<T extends object>(
  target: T,
  around: (call: () => Promise<unknown>, name: string) => Promise<unknown>,
): T {
  const wrapped = { ...target } as Record<string, unknown>;
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === "function") {
      wrapped[key] = (...args: unknown[]) => around(() => value.apply(target, args), key);
    }
  }
  return wrapped as T;
}

/**
 * `work`, or StoreUnavailableError once `ms` have passed (the work itself may still finish later;
 * its result is then dropped, which is safe for every store call: appends are idempotent by clientId).
 *
 * @example
 * await withDeadline(collection.findOne({ _id: id }), 8_000, "getRoom");
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError(`the database did not answer ${what} within ${ms} ms`)),
      ms,
    );
  });
  work.catch(() => {}); // a late failure after the deadline was already reported as unavailable
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Whether a stored support conversation meets an `updateSupport` precondition (none: always).
 *
 * @example
 * meetsSupportExpect(conversation, { state: "waiting", counselorId: null });
 */
export function meetsSupportExpect(conversation: SupportConversation, expect?: SupportExpect): boolean {
  if (!expect) return true;
  if (expect.state !== undefined && conversation.state !== expect.state) return false;
  return expect.counselorId === undefined || (conversation.counselor?.id ?? null) === expect.counselorId;
}

/** What `updateSupport` throws when its precondition no longer holds. */
export function supportChanged(): Error {
  return conflict("The conversation changed in the meantime", "support_changed");
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

/**
 * A new room's record, the same in both stores (the store adds how it tracks `lastSeq`).
 *
 * @example
 * const room = newRoomRecord({ name: "general", visibility: "public", ownerId: "u1" });
 */
export function newRoomRecord(input: NewRoom): Omit<Room, "lastSeq"> {
  return withoutUndefined({
    id: ulid(),
    name: input.name,
    visibility: input.visibility,
    inviteCode: input.inviteCode,
    ownerId: input.ownerId,
    createdAt: new Date().toISOString(),
  });
}
