/**
 * Record helpers both stores share, so they store and return identical shapes.
 */
import { monotonicFactory } from "ulid";
import type { NewRoom, Room } from "./types.ts";

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
