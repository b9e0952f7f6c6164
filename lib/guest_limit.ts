/** Guest sessions per address per minute (GUEST_SESSIONS_PER_MINUTE). */
import type { AppContext } from "@/lib/app_env.ts";
import type { Config } from "@/lib/config.ts";
import { clientAddress, enforce, Throttle } from "@/lib/throttle.ts";

let throttle: Throttle | undefined;

/**
 * @example
 * guestLimiter(config).check(c);
 */
export function guestLimiter(config: Config) {
  if (!throttle || throttle.limit !== config.guestSessionsPerMinute) {
    throttle = new Throttle(config.guestSessionsPerMinute, 60_000);
  }
  const t = throttle;
  return {
    check(c: AppContext) {
      enforce(t, clientAddress(c), "Too many new sessions from your address; try again in a minute");
    },
  };
}
