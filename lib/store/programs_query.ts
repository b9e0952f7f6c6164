/**
 * How both stores order, filter and page programs, so a search answers the same on either.
 */
import { StoreInvalidError } from "./errors.ts";
import type { Program, ProgramQuery } from "./types.ts";
import { withoutUndefined } from "./records.ts";

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

/** Reads a token from {@link encodeCursor}; throws StoreInvalidError for anything else. */
export function decodeCursor(token: string): ProgramCursor {
  try {
    const [key, id] = JSON.parse(atob(token.replaceAll("-", "+").replaceAll("_", "/")));
    if (typeof key === "number" && Number.isFinite(key) && typeof id === "string") return { key, id };
  } catch {
    // Falls through to the error below.
  }
  throw new StoreInvalidError("bad_request", "Bad cursor");
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
