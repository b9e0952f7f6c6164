/**
 * The native transport: `Deno.upgradeWebSocket`, under `deno serve` (`main.ts`: `deno task dev`,
 * Deno Deploy). It reads a whole message (up to 64 MiB) before the app can look at its size; the
 * app's own frame limit (MAX_FRAME_BYTES) applies once it has.
 */
import type { Upgraded, UpgradeOptions } from "@/lib/web/transport/types.ts";

/**
 * @example
 * const { socket, response } = nativeUpgrade(req, { protocol: "parley", idleTimeout: 30 });
 */
export function nativeUpgrade(req: Request, options: UpgradeOptions): Upgraded {
  const { protocol, idleTimeout } = options;
  return Deno.upgradeWebSocket(req, {
    ...(protocol ? { protocol } : {}),
    ...(idleTimeout !== undefined ? { idleTimeout } : {}),
  });
}
