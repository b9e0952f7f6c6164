import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { listCounselorLines } from "@/lib/support/assignment.ts";

export const handler = {
  /** Counselors: `{counselors: [{id, name, role, available?, open}]}`, for the transfer list. */
  async GET(c: AppContext) {
    assertCounselor(c);
    return c.json({ counselors: await listCounselorLines(c.var.services) });
  },
};
