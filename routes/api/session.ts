import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { newGuestId, startSession } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { limitGuestSessions } from "@/lib/accounts/guest_limit.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";

const body = z.object({
  nickname: z.string().trim().min(1, "Enter a nickname").refine(
    (s) => [...s].length <= 32,
    "Nicknames are at most 32 characters",
  ),
});

export const handler = {
  /** Starts a guest session: `{nickname}` → `{id, name, role}` and the session cookie. */
  async POST(c: AppContext) {
    const { nickname } = await readJson(c, body);
    await limitGuestSessions(c);
    const session = await startSession(c, { userId: newGuestId(), name: nickname, role: "guest" });
    return c.json(userRefOf(session), 201);
  },
};
