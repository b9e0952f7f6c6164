import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { readKeyedJson } from "@/lib/web/keyed_body.ts";
import { rateSupport, ratingBody, ratingState } from "@/lib/support/ratings.ts";

export const handler = {
  /** `{rating, canRate}`: the user's own conversation, or any for counselors. */
  async GET(c: AppContext) {
    const session = assertSignedIn(c);
    return c.json(await ratingState(c.var.services.store, session, c.req.param("room") ?? ""));
  },
  /** The conversation's own user, once, after it is closed: `{score: 1..5, comment?}` → `{rating}`. */
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const input = await readKeyedJson(c, ratingBody, "bad_rating");
    const rating = await rateSupport(c.var.services.store, session, c.req.param("room") ?? "", input);
    return c.json({ rating }, 201);
  },
};
