/**
 * Programs (courses, bootcamps, events): validation of catalog records, their status at a time, the
 * snapshot a program card carries, and the parsing of search queries. The record schema uses zod and
 * stays on the server; islands may import only the pure helpers below it (status, formatting).
 */
import { z } from "zod";
import type { Program, ProgramQuery, ProgramStatus, Store } from "@/lib/store/types.ts";
import type { ProgramSnapshot } from "@/lib/shared/protocol.ts";
import { badRequest, notFound } from "@/lib/web/errors.ts";
import { programStatus } from "@/lib/shared/program_view.ts";
import { firstIssue } from "@/lib/shared/zod_error.ts";

export { formatPrice, formatRange, type ProgramPhase, programStatus } from "@/lib/shared/program_view.ts";

export const SEARCH_MAX_CHARS = 100;
export const PAGE_MAX = 50;
export const PAGE_DEFAULT = 20;

const PROGRAM_ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

const isoDateTime = z.string().refine(
  (s) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
  "must be an ISO 8601 date-time with a time zone, e.g. 2026-03-02T09:00:00+09:00",
);

/** Only http(s): a `javascript:` URL on an Apply button would run in the site's origin. */
const webUrl = z.string().max(2000).refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}, "must be an http(s) URL");

const programSchema = z.object({
  id: z.string().regex(PROGRAM_ID_SHAPE, "must be 1–64 letters, digits, '-' or '_'"),
  title: z.string().trim().min(1, "must not be empty").max(200),
  description: z.string().trim().max(5000).default(""),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  price: z.number().finite().min(0, "must be 0 or more"),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be a 3-letter ISO 4217 code such as KRW"),
  url: webUrl,
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  updatedAt: isoDateTime.optional(),
}).strict().refine((p) => Date.parse(p.endsAt) > Date.parse(p.startsAt), {
  message: "must be after startsAt",
  path: ["endsAt"],
});

export type ProgramCheck = { ok: true; program: Program } | { ok: false; error: string };

/**
 * Validates one catalog record. `updatedAt` is taken from the record or else `now`.
 *
 * @example
 * const r = validateProgram(JSON.parse(line));
 * if (!r.ok) console.error(r.error); // "price: must be 0 or more"
 */
export function validateProgram(input: unknown, now = new Date()): ProgramCheck {
  const result = programSchema.safeParse(input);
  if (!result.success) {
    return { ok: false, error: firstIssue(result.error) };
  }
  const p = result.data;
  return {
    ok: true,
    program: {
      id: p.id,
      title: p.title,
      description: p.description,
      startsAt: new Date(p.startsAt).toISOString(),
      endsAt: new Date(p.endsAt).toISOString(),
      price: p.price,
      currency: p.currency,
      url: p.url,
      tags: p.tags,
      updatedAt: new Date(p.updatedAt ?? now.toISOString()).toISOString(),
    },
  };
}

/**
 * The part of a program a card carries, frozen at the time it was sent.
 *
 * @example
 * store.appendMessage({ ..., kind: "program", program: toSnapshot(program) });
 */
export function toSnapshot(p: Program): ProgramSnapshot {
  return {
    id: p.id,
    title: p.title,
    startsAt: p.startsAt,
    endsAt: p.endsAt,
    price: p.price,
    currency: p.currency,
    url: p.url,
  };
}

const STATUSES: ProgramStatus[] = ["current", "expired", "all"];

/**
 * Reads `q`, `status`, `limit` and `cursor` from a query string into a store query. `q` is plain text
 * (trimmed, at most 100 characters); the store matches it literally. Bad values are a 400.
 *
 * @example
 * parseProgramQuery(new URLSearchParams("q=코딩&status=expired"), new Date());
 */
export function parseProgramQuery(params: URLSearchParams, now: Date): ProgramQuery {
  const q = (params.get("q") ?? "").trim();
  if ([...q].length > SEARCH_MAX_CHARS) {
    throw badRequest(`Search text is at most ${SEARCH_MAX_CHARS} characters`, "bad_query");
  }
  const rawStatus = params.get("status") || "current";
  if (!STATUSES.includes(rawStatus as ProgramStatus)) {
    throw badRequest("status must be current, expired or all", "bad_query");
  }
  const rawLimit = params.get("limit");
  let limit = PAGE_DEFAULT;
  if (rawLimit !== null && rawLimit !== "") {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw badRequest("limit must be a whole number from 1", "bad_query");
    }
    limit = Math.min(limit, PAGE_MAX);
  }
  const cursor = params.get("cursor") || undefined;
  if (cursor !== undefined && !/^[A-Za-z0-9_-]{1,300}$/.test(cursor)) {
    throw badRequest("Bad cursor", "bad_query");
  }
  return { q: q || undefined, status: rawStatus as ProgramStatus, limit, cursor, now };
}

/** Whether a program can still be applied for at `now` (it has not ended). */
export function isOpen(p: Pick<Program, "startsAt" | "endsAt">, now = new Date()): boolean {
  return programStatus(p, now) !== "ended";
}

/**
 * The program with this id, or a 404 (ids that cannot exist are not looked up at all).
 *
 * @example
 * const program = await findProgram(store, c.req.param("id"));
 */
export async function findProgram(store: Store, id: string): Promise<Program> {
  const program = PROGRAM_ID_SHAPE.test(id) ? await store.getProgram(id) : null;
  if (!program) throw notFound("No such program");
  return program;
}
