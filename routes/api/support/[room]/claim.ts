import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { claimSupport } from "@/lib/support/support.ts";

export const handler = {
  /** Counselors: take the conversation (409 when another counselor has it) → its queue line. */
  async POST(c: AppContext) {
    const session = assertCounselor(c);
    return c.json(await claimSupport(c.var.services, session, c.req.param("room") ?? ""));
  },
};
