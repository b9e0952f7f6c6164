/**
 * Changing a password ends every other session of the user at once (SPEC.md, "Guarantees"): their
 * records go from the store, so no later request is let in, and their sockets close with 4403 on
 * every isolate and process (the hub's `session-ended` event on the bus).
 */
import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import type { Hub } from "@/lib/hub/hub.ts";
import type { Store } from "@/lib/store/types.ts";
import { HttpError, unauthorized } from "@/lib/web/errors.ts";
import { hashPassword, verifyPassword } from "@/lib/accounts/password.ts";
import { accountThrottles, PASSWORD_MAX, validatePassword } from "@/lib/accounts/accounts.ts";
import { clientAddress, enforce } from "@/lib/accounts/throttle.ts";

export const passwordChangeSchema = z.object({
  current: z.string().max(PASSWORD_MAX),
  password: z.string().max(PASSWORD_MAX),
});

/**
 * Stores a new password hash for `userId` and ends every session of the user but `keep`; returns
 * how many it ended. The operator's command (`deno task counselor NAME --set-password`) uses it too.
 *
 * @example
 * await setPasswordEverywhere(store, hub, user.id, await hashPassword(pw), session.id);
 */
export async function setPasswordEverywhere(
  store: Store,
  hub: Pick<Hub, "endSession"> | null,
  userId: string,
  passwordHash: string,
  keep?: string,
): Promise<number> {
  await store.setUserPassword(userId, passwordHash);
  const ended = await store.endSessionsOf(userId, keep);
  for (const id of ended) hub?.endSession(id);
  return ended.length;
}

/**
 * The signed-in user's own change: the current password first (a borrowed unlocked screen is not
 * enough), then the new one's rules; 400 `wrong_password` when the current one is wrong.
 *
 * @example
 * await changePassword(c, { current: "old horse battery", password: "new horse battery" });
 */
export async function changePassword(
  c: AppContext,
  input: z.infer<typeof passwordChangeSchema>,
): Promise<void> {
  const session = c.get("session");
  if (!session || session.role === "guest") throw unauthorized("limits.password.sign_in");
  const { store, hub } = c.var.services;
  const user = await store.getUser(session.userId);
  if (!user) throw unauthorized("limits.password.sign_in");
  // Each check costs a hash: counted against the address like a log-in.
  await enforce(
    accountThrottles(c.var.services).hashes,
    clientAddress(c),
    "Too many attempts from your address; wait a minute",
  );
  if (!(await verifyPassword(input.current, user.passwordHash))) {
    throw new HttpError(400, "wrong_password", "limits.password.wrong");
  }
  validatePassword(input.password, user.username);
  await setPasswordEverywhere(store, hub, user.id, await hashPassword(input.password), session.id);
}
