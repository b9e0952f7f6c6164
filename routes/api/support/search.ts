import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { badRequest } from "@/lib/web/errors.ts";
import { searchSupport } from "@/lib/support/search.ts";

export const handler = {
  /** Counselors: `?q=TEXT&cursor=&limit=` → `{conversations, nextCursor?}`; q is matched literally. */
  async GET(c: AppContext) {
    const session = assertCounselor(c);
    const rawLimit = c.req.query("limit");
    const limit = rawLimit ? Number(rawLimit) : 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw badRequest("limit must be a whole number from 1 to 100", "bad_query");
    }
    const answer = await searchSupport(c.var.services.store, session, c.req.query("q") ?? "", {
      limit,
      cursor: c.req.query("cursor") || undefined,
    });
    return c.json(answer);
  },
};
