import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { markRead } from "@/lib/support/support.ts";

const body = z.object({ seq: z.number().int().min(0) });

export const handler = {
  /** Counselors: `{seq}` — the caller has read the conversation up to seq (the mark never moves back). */
  async POST(c: AppContext) {
    const session = assertCounselor(c);
    const { seq } = await readJson(c, body);
    await markRead(c.var.services.store, session, c.req.param("room") ?? "", seq);
    return c.body(null, 204);
  },
};
