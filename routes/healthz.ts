import type { AppContext } from "@/lib/web/app_env.ts";

export const handler = {
  /** `{ok, store, bus}`: 200 when both answer, 503 otherwise. */
  async GET(c: AppContext) {
    const { store, bus, hub } = c.var.services;
    let storeState = "ok";
    try {
      await store.ping();
    } catch {
      storeState = "unavailable";
    }
    const busState = bus.healthy() ? "ok" : "unavailable";
    const ok = storeState === "ok" && busState === "ok";
    return c.json(
      {
        ok,
        store: { kind: store.kind, state: storeState },
        bus: { kind: bus.kind, state: busState },
        node: hub.nodeId,
        hub: hub.stats(),
      },
      ok ? 200 : 503,
    );
  },
};
