/** Opens what one isolate needs (store, bus, hub) from the configuration. */
import { availableIn } from "@/lib/support/assignment.ts";
import type { Config } from "@/lib/ops/config.ts";
import type { Services } from "@/lib/ops/services.ts";
import { openStore } from "@/lib/store/mod.ts";
import { openBus } from "@/lib/bus/mod.ts";
import { type FileStore, openFileStore } from "@/lib/files/mod.ts";
import { attachments } from "@/lib/files/plugin.ts";
import { Hub, type HubPlugin } from "@/lib/hub/hub.ts";
import type { Store } from "@/lib/store/types.ts";
import { supportQueue } from "@/lib/support/plugin.ts";
import { programCards } from "@/lib/programs/plugin.ts";
import { type WidgetParts, widgetParts, widgetQueue } from "@/lib/support/widget.ts";
import { nodeMetrics, trackBusLag } from "@/lib/ops/metrics.ts";
import { metricsGatherer } from "@/lib/ops/metrics_gather.ts";

/**
 * What plugs into every hub: the support queue (with the widget's availability and mail around it,
 * when given) and program cards. Tests that build their own hub call this too, so they run the same
 * wiring as the server.
 *
 * @example
 * new Hub({ store, bus, config, plugins: hubPlugins(store, { widget, config }) });
 */
export function hubPlugins(
  store: Store,
  extras?: { widget: WidgetParts; config: Config },
  files?: FileStore,
): HubPlugin[] {
  const support = supportQueue(store, extras && availableIn(extras.widget.availability));
  const queue = extras ? widgetQueue(support, extras.widget, store, extras.config) : support;
  return [queue, programCards(store), ...(files ? [attachments(files)] : [])];
}

/**
 * @example
 * const services = await openServices(loadConfig());
 */
export async function openServices(
  config: Config,
  options: { kvAppends?: MessagePort; busPeers?: MessagePort[] } = {},
): Promise<Services> {
  const store = await openStore(config, options);
  let bus, files;
  try {
    files = await openFileStore(config);
    bus = await openBus(config, { peers: options.busPeers });
  } catch (err) {
    await files?.close();
    await store.close();
    throw err;
  }
  const widget = widgetParts(config, store, bus);
  // Before this isolate answers anyone: a counselor who set themselves away is away from its first answer.
  await widget.availability.ready;
  const hub = new Hub({ store, bus, config, plugins: hubPlugins(store, { widget, config }, files) });
  hub.start();
  // Bus lag is measured from start-up, not from the first /metrics scrape.
  trackBusLag(bus);
  // From start-up too: an isolate answers other isolates' scrapes only once it listens.
  metricsGatherer(bus, () => nodeMetrics(hub.stats(), bus));
  return { config, store, bus, hub, widget, files };
}

/** Closes everything in order: sockets first (1012, so clients reconnect elsewhere), then bus and store. */
export async function closeServices(s: Services): Promise<void> {
  await s.hub.shutdown();
  // Before the store: mail still waiting stays in its outbox for the next process; availability
  // tells the other nodes this one is gone.
  await s.widget?.mailer?.close();
  s.widget?.availability.close();
  await s.bus.close();
  await s.store.close();
  await s.files.close();
}
