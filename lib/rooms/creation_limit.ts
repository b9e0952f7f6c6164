/**
 * Rooms made per user and per address per hour (ROOMS_PER_USER_PER_HOUR, ROOMS_PER_ADDRESS_PER_HOUR),
 * counted in the store, so the bound holds across isolates, processes and fresh guest sessions.
 */
import type { AppContext } from "@/lib/web/app_env.ts";
import type { Session } from "@/lib/store/types.ts";
import { clientAddress } from "@/lib/web/origin.ts";
import { HttpError } from "@/lib/web/errors.ts";
import { Throttle } from "@/lib/accounts/throttle.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";

const HOUR = 3_600_000;

/**
 * Counts one room for the session's user and the client's address; 429 with Retry-After past either.
 *
 * @example
 * await limitRoomCreation(c, session);
 */
export async function limitRoomCreation(c: AppContext, session: Session): Promise<void> {
  const { store, config } = c.var.services;
  const byUser = new Throttle(store, "rooms-user", config.roomsPerUserPerHour, HOUR);
  const byAddress = new Throttle(store, "rooms-addr", config.roomsPerAddressPerHour, HOUR);
  const [userWait, addressWait] = await Promise.all([
    byUser.hit(session.userId),
    byAddress.hit(clientAddress(c)),
  ]);
  const wait = Math.max(userWait, addressWait);
  if (wait === 0) return;
  const key = userWait > 0 ? "limits.rooms_per_user" : "limits.rooms_per_address";
  throw new HttpError(429, "rate_limited", translator("en").t(key, { wait }), {
    "Retry-After": String(wait),
  });
}
