import type { AppContext } from "@/lib/web/app_env.ts";
import { nodeMetrics, renderMetrics } from "@/lib/ops/metrics.ts";
import { metricsGatherer } from "@/lib/ops/metrics_gather.ts";

export const handler = {
  /**
   * Prometheus text format, one sample per isolate of this process (label `node`): the isolate the
   * scrape reaches asks the others over the bus. Each process (port) is its own scrape target.
   */
  async GET(c: AppContext) {
    const { hub, bus, store } = c.var.services;
    const nodes = await metricsGatherer(bus, () => nodeMetrics(hub.stats(), bus)).gather();
    const body = renderMetrics({
      nodes,
      busKind: bus.kind,
      storeKind: store.kind,
      journalBacklog: store.journalBacklog?.(),
    });
    c.header("Cache-Control", "no-store");
    return c.body(body, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  },
};
