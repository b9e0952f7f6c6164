/** Guest sessions per address per minute (GUEST_SESSIONS_PER_MINUTE), counted in the store. */
import type { AppContext } from "@/lib/web/app_env.ts";
import { clientAddress, enforce, Throttle } from "@/lib/accounts/throttle.ts";

/**
 * Counts a new guest session for the client's address; throws 429 with Retry-After past the limit.
 *
 * @example
 * await limitGuestSessions(c);
 */
export async function limitGuestSessions(c: AppContext): Promise<void> {
  const { store, config } = c.var.services;
  const throttle = new Throttle(store, "guest", config.guestSessionsPerMinute, 60_000);
  await enforce(throttle, clientAddress(c), "Too many new sessions from your address; try again in a minute");
}
