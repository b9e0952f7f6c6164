import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { readKeyedJson } from "@/lib/web/keyed_body.ts";
import { transferSupport } from "@/lib/support/assignment.ts";

const body = z.object({ counselor: z.string({ error: "console.err.noSuchCounselor" }).min(1).max(64) });

export const handler = {
  /** The assignee hands the active conversation to `{counselor}` (an id or username) → its queue line. */
  async POST(c: AppContext) {
    const session = assertCounselor(c);
    const { counselor } = await readKeyedJson(c, body);
    return c.json(await transferSupport(c.var.services, session, c.req.param("room") ?? "", counselor));
  },
};
