import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { counselorRatings } from "@/lib/support/ratings.ts";

export const handler = {
  /** Counselors: `{counselors: [{counselor, average, count}]}` over the last 30 days. */
  async GET(c: AppContext) {
    assertCounselor(c);
    return c.json({ counselors: await counselorRatings(c.var.services.store) });
  },
};
