/** A JSON body reader whose schema messages are i18n keys, answered in the reader's language. */
import type { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { badRequest } from "@/lib/web/errors.ts";
import { catalogs } from "@/lib/shared/i18n/catalog.ts";
import { firstIssue } from "@/lib/shared/zod_error.ts";

/**
 * Like `readJson`, but a failed check whose message is a catalog key throws that key as the error's
 * message (the error handler turns keys into the reader's language), with `code`.
 *
 * @example
 * const { score } = await readKeyedJson(c, ratingBody, "bad_rating");
 */
export async function readKeyedJson<S extends z.ZodType>(
  c: AppContext,
  schema: S,
  code = "bad_request",
): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest("The body must be a JSON object", "bad_json");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  // A message that is an i18n key goes out alone (the error handler translates it); else path: message.
  const message = result.error.issues[0]?.message;
  if (message && message in catalogs.en) throw badRequest(message, code);
  throw badRequest(firstIssue(result.error), code);
}
