import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { readKeyedJson } from "@/lib/web/keyed_body.ts";
import { assignMode, setAssignMode } from "@/lib/support/assignment.ts";

const body = z.object({ assign: z.enum(["auto", "manual"], { error: "console.err.assign" }) });

export const handler = {
  /** Counselors: `{assign: "auto"|"manual"}`. */
  async GET(c: AppContext) {
    assertCounselor(c);
    return c.json({ assign: await assignMode(c.var.services.store) });
  },
  /** Counselors: `{assign}` — `auto` gives new conversations to the least busy available counselor. */
  async PUT(c: AppContext) {
    assertCounselor(c);
    const { assign } = await readKeyedJson(c, body, "bad_setting");
    await setAssignMode(c.var.services.store, assign);
    return c.json({ assign });
  },
};
