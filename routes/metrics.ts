import type { AppContext } from "@/lib/app_env.ts";
import { renderMetrics, trackBusLag } from "@/lib/metrics.ts";

export const handler = {
  /**
   * Prometheus text format. Each isolate answers for itself (label `node`): under
   * `deno serve --parallel` a scrape reaches one isolate, so scrape often or run one isolate per port.
   */
  GET(c: AppContext) {
    const { hub, bus, store } = c.var.services;
    const body = renderMetrics({
      stats: hub.stats(),
      bus: bus as typeof bus & { dropped?: number },
      store,
      lag: trackBusLag(bus),
    });
    c.header("Cache-Control", "no-store");
    return c.body(body, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  },
};
