/**
 * Picks the bus from the configuration: Redis when `REDIS_URL` is set, else the ports to the other
 * workers when `lib/ops/server.ts` gave some, else BroadcastChannel.
 */
import type { Bus } from "@/lib/bus/types.ts";
import { createBroadcastBus } from "@/lib/bus/broadcast.ts";
import type { RedisBusOptions } from "@/lib/bus/redis.ts";
import { createPortsBus } from "@/lib/bus/ports.ts";

export type { Bus, BusEvent, BusListener } from "@/lib/bus/types.ts";
export { createBroadcastBus } from "@/lib/bus/broadcast.ts";

/** Both implementations count what they could not send; for `/healthz` and metrics. */
export type CountingBus = Bus & { readonly dropped: number };

/**
 * Opens the deployment's bus. With `redisUrl`, fails with a one-line `ConfigError` when Redis
 * cannot be reached.
 *
 * @example
 * const bus = await openBus({ redisUrl: config.redisUrl });
 * globalThis.addEventListener("unload", () => bus.close());
 */
export function openBus(
  config: { redisUrl?: string },
  options: RedisBusOptions & { broadcastChannel?: string; peers?: MessagePort[] } = {},
): Promise<CountingBus> {
  // Loaded only when used: the client's modules cost a single-process deployment start-up time.
  if (config.redisUrl) {
    return import("@/lib/bus/redis.ts").then((m) => m.createRedisBus(config.redisUrl!, options));
  }
  if (options.peers) return Promise.resolve(createPortsBus(options.peers));
  return Promise.resolve(createBroadcastBus(options.broadcastChannel));
}
