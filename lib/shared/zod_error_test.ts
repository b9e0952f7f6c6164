import assert from "node:assert/strict";
import { z } from "zod";
import { firstIssue } from "./zod_error.ts";

Deno.test("[zod_error] firstIssue - the first issue as path: message, no path at the root", () => {
  const schema = z.object({ price: z.number().min(0, "must be 0 or more") });
  assert.equal(firstIssue(schema.safeParse({ price: -1 }).error!), "price: must be 0 or more");
  assert.equal(firstIssue(z.string().min(1, "empty").safeParse("").error!), "empty");
});
