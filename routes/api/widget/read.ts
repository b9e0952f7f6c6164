/** `POST /api/widget/read {seq}`: the visitor has seen their conversation up to `seq` (never back). */
import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { openSupport } from "@/lib/support/support.ts";

const body = z.object({ seq: z.number().int().min(0) });

export const handler = {
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const { seq } = await readJson(c, body);
    const { store } = c.var.services;
    const { room } = await openSupport(c.var.services, session);
    const mark = await store.getReadMark(room, session.userId);
    if (seq > mark) await store.setReadMark(room, session.userId, seq);
    return c.json({ seq: Math.max(seq, mark) });
  },
};
