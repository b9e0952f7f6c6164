import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { accountThrottles } from "@/lib/accounts/accounts.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { HttpError, notFound } from "@/lib/web/errors.ts";
import { readJson } from "@/lib/web/http.ts";
import { toRoomView } from "@/lib/rooms/rooms.ts";
import { clientAddress } from "@/lib/accounts/throttle.ts";

/** Invite codes are base64url tokens; anything else (objects, operators) is a 400 before any lookup. */
const body = z.object({
  code: z.string({ error: "code must be a string" }).trim().regex(
    /^[A-Za-z0-9_-]{16,64}$/,
    "Not an invite code",
  ),
});

export const handler = {
  /** `{code}` → the private room (with its code); the session's user becomes a member. */
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const { code } = await readJson(c, body);
    const { store } = c.var.services;
    const failures = accountThrottles(c.var.services).invites;
    const address = clientAddress(c);
    const wait = await failures.peek(address);
    if (wait > 0) {
      throw new HttpError(429, "rate_limited", "Too many unknown invite codes; try again later", {
        "Retry-After": String(wait),
      });
    }
    const room = await store.getRoomByInvite(code);
    if (!room || room.visibility !== "private") {
      await failures.hit(address);
      throw notFound("No room has this invite code (it may have been changed)");
    }
    await store.addMember(room.id, session.userId);
    return c.json(toRoomView(room, { withInvite: true }));
  },
};
