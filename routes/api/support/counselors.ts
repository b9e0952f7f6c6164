import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { availableIn, listCounselorLines } from "@/lib/support/assignment.ts";
import { widgetOf } from "@/lib/support/widget.ts";

export const handler = {
  /** Counselors: `{counselors: [{id, name, role, available, open}]}`, for the transfer list. */
  async GET(c: AppContext) {
    assertCounselor(c);
    const { availability } = widgetOf(c.var.services);
    await availability.ready;
    const isAvailable = availableIn(availability);
    return c.json({ counselors: await listCounselorLines({ ...c.var.services, isAvailable }) });
  },
};
