/** Small helpers for JSON API routes. */
import type { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { badRequest } from "@/lib/web/errors.ts";
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
