import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { closeSupport } from "@/lib/support/support.ts";

export const handler = {
  /** Counselors: close the conversation → its queue line. */
  async POST(c: AppContext) {
    const session = assertCounselor(c);
    return c.json(await closeSupport(c.var.services, session, c.req.param("room") ?? ""));
  },
};
