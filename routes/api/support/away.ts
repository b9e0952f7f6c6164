/**
 * `POST /api/support/away {away}`: counselors set themselves away (or back), on every node at once;
 * stored, so it holds across restarts and on nodes started later.
 */
import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { widgetOf } from "@/lib/support/widget.ts";

const body = z.object({ away: z.boolean() });

export const handler = {
  async POST(c: AppContext) {
    const session = assertCounselor(c);
    const { away } = await readJson(c, body);
    await widgetOf(c.var.services).availability.setAway(session.userId, away);
    return c.json({ away });
  },
};
