import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { removeReply } from "@/lib/support/replies.ts";

export const handler = {
  /** Counselors: deletes one saved reply → 204 (404 when there is none). */
  async DELETE(c: AppContext) {
    assertCounselor(c);
    await removeReply(c.var.services.store, c.req.param("id") ?? "");
    return c.body(null, 204);
  },
};
