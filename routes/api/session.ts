import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { newGuestId, startSession } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { limitGuestSessions } from "@/lib/accounts/guest_limit.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import { requireName } from "@/lib/web/names.ts";

const body = z.object({ nickname: z.string().max(16_384) });

export const handler = {
  /** Starts a guest session: `{nickname}` → `{id, name, role}` and the session cookie. */
  async POST(c: AppContext) {
    const nickname = requireName(c.var.i18n, "nickname", (await readJson(c, body)).nickname);
    await limitGuestSessions(c);
    const session = await startSession(c, { userId: newGuestId(), name: nickname, role: "guest" });
    return c.json(userRefOf(session), 201);
  },
};
