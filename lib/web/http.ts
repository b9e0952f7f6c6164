/** Small helpers for JSON API routes. */
import type { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { badRequest, HttpError } from "@/lib/web/errors.ts";
import { firstIssue } from "@/lib/shared/zod_error.ts";

/**
 * Reads the request's JSON body and validates it; a bad body is a 400 with a clear message.
 *
 * @example
 * const { nickname } = await readJson(c, z.object({ nickname: z.string() }));
 */
export async function readJson<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest("The body must be a JSON object", "bad_json");
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    throw badRequest(firstIssue(result.error), "bad_request");
  }
  return result.data;
}

/**
 * Reads a form body (urlencoded or multipart) as Hono's `parseBody` does; a body that cannot be
 * parsed (multipart without a boundary, a truncated part) is a 400 `bad_body`, never a 500.
 *
 * @example
 * const form = await readForm(c);
 */
export async function readForm(c: AppContext): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody();
  } catch (error) {
    if (error instanceof HttpError) throw error; // the body limit's 413
    throw badRequest("limits.bad_body", "bad_body");
  }
}
