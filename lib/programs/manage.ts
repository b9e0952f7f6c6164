/**
 * The program catalog as counselors edit it at `/console/programs`: add, edit, end. Every field is
 * checked at the edge by one zod schema whose messages are i18n keys (the error handler answers them
 * in the reader's language); a refused record writes nothing. The bulk loader
 * (`deno task programs:load`) keeps its own record schema in `programs.ts`.
 */
import { z } from "zod";
import { ulid } from "ulid";
import type { Program, Store } from "@/lib/store/types.ts";
import { badRequest, conflict } from "@/lib/web/errors.ts";
import { catalogs } from "@/lib/shared/i18n/catalog.ts";
import { findProgram } from "./programs.ts";

const dateTime = z.string({ error: "console.err.programDate" }).refine(
  (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)),
  "console.err.programDate",
);

const webUrl = z.string({ error: "console.err.programUrl" }).trim().max(2000, "console.err.programUrl")
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return u.protocol === "https:" || u.protocol === "http:";
      } catch {
        return false;
      }
    },
    "console.err.programUrl",
  );

/** The body of `POST /api/programs` and `PUT /api/programs/:id`. */
export const programInput = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "console.err.programId").optional(),
  title: z.string({ error: "console.err.programTitle" }).trim().min(1, "console.err.programTitle").max(
    200,
    "console.err.programTitleLong",
  ),
  description: z.string().trim().max(5000).default(""),
  startsAt: dateTime,
  endsAt: dateTime,
  price: z.number({ error: "console.err.programPrice" }).finite("console.err.programPrice").min(
    0,
    "console.err.programPrice",
  ),
  currency: z.string({ error: "console.err.programCurrency" }).trim().toUpperCase().regex(
    /^[A-Z]{3}$/,
    "console.err.programCurrency",
  ),
  url: webUrl,
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
}).refine((p) => Date.parse(p.endsAt) > Date.parse(p.startsAt), {
  message: "console.err.programDates",
  path: ["endsAt"],
});

export type ProgramInput = z.infer<typeof programInput>;

/**
 * Checks a body; a refusal is a 400 `bad_program` whose message is an i18n key (the first problem),
 * with an `x-field` header naming the field.
 *
 * @example
 * const input = parseProgramInput(await c.req.json());
 */
export function parseProgramInput(body: unknown): ProgramInput {
  const result = programInput.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = String(issue?.path[0] ?? "");
  const message = issue && issue.message in catalogs.en ? issue.message : "console.err.programTitle";
  const error = badRequest(message, "bad_program");
  (error.headers as Record<string, string>)["x-field"] = field;
  throw error;
}

function toProgram(id: string, input: ProgramInput, now: Date): Program {
  return {
    id,
    title: input.title.normalize("NFC"),
    description: input.description.normalize("NFC"),
    startsAt: new Date(input.startsAt).toISOString(),
    endsAt: new Date(input.endsAt).toISOString(),
    price: input.price,
    currency: input.currency,
    url: input.url,
    tags: input.tags,
    updatedAt: now.toISOString(),
  };
}

/**
 * Adds a program (an id is made when none is given); 409 when the id is taken.
 *
 * @example
 * const program = await addProgram(store, parseProgramInput(body));
 */
export async function addProgram(store: Store, input: ProgramInput, now = new Date()): Promise<Program> {
  const id = input.id ?? `p-${ulid().toLowerCase()}`;
  if (await store.getProgram(id)) throw conflict("console.err.programExists", "program_exists");
  const program = toProgram(id, input, now);
  await store.upsertProgram(program);
  return program;
}

/** Replaces an existing program's fields (404 when there is none). */
export async function editProgram(store: Store, id: string, input: ProgramInput, now = new Date()) {
  await findProgram(store, id);
  const program = toProgram(id, input, now);
  await store.upsertProgram(program);
  return program;
}

/**
 * Ends a program now: its end moves to `now` (and an upcoming one's start just before it), so it
 * leaves "current" at once. Ending an ended one changes nothing.
 *
 * @example
 * await endProgram(store, "data-bootcamp");
 */
export async function endProgram(store: Store, id: string, now = new Date()): Promise<Program> {
  const program = await findProgram(store, id);
  if (Date.parse(program.endsAt) <= now.getTime()) return program;
  const startsMs = Math.min(Date.parse(program.startsAt), now.getTime() - 1);
  const ended: Program = {
    ...program,
    startsAt: new Date(startsMs).toISOString(),
    endsAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await store.upsertProgram(ended);
  return ended;
}
