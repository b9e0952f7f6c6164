/** The one way a zod failure becomes a short message for a person or a client program. */
import type { z } from "zod";

/**
 * The first issue of a failed parse as `path: message` (no path for the root), or "invalid".
 *
 * @example
 * firstIssue(schema.safeParse({ price: -1 }).error!); // "price: must be 0 or more"
 */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue?.message ?? "invalid"}`;
}
