/** Opens what one isolate needs (store, bus, hub) from the configuration. */
import type { Config } from "@/lib/config.ts";
import type { Services } from "@/lib/services.ts";
import { openStore } from "@/lib/store/mod.ts";
import { openBus } from "@/lib/bus/mod.ts";
import { Hub } from "@/lib/hub.ts";
import { trackBusLag } from "@/lib/metrics.ts";

/**
 * @example
 * const services = await openServices(loadConfig());
 */
export async function openServices(config: Config): Promise<Services> {
  const store = await openStore(config);
  let bus;
  try {
    bus = await openBus(config);
  } catch (err) {
    await store.close();
    throw err;
  }
  const hub = new Hub({ store, bus, config });
  hub.start();
  // Bus lag is measured from start-up, not from the first /metrics scrape.
  trackBusLag(bus);
  return { config, store, bus, hub };
}

/** Closes everything in order: sockets first (1012, so clients reconnect elsewhere), then bus and store. */
export async function closeServices(s: Services): Promise<void> {
  await s.hub.shutdown();
  await s.bus.close();
  await s.store.close();
}
