import { equal, match, ok } from "node:assert/strict";
import { renderMetrics, trackBusLag } from "@/lib/metrics.ts";
import { createBroadcastBus } from "@/lib/bus/broadcast.ts";
import { waitFor } from "@/lib/bus/contract.ts";
import type { HubStats } from "@/lib/hub.ts";

const stats: HubStats = {
  node: 'n"1',
  connections: 3,
  rooms: 2,
  messagesIn: 10,
  messagesOut: 25,
  sendErrors: 1,
  gapsRefilled: 4,
};

Deno.test("[metrics] render - every family has HELP, TYPE and a node-labelled sample", () => {
  const text = renderMetrics({
    stats,
    bus: { kind: "redis", healthy: () => false, dropped: 7 },
    store: { kind: "mongo" },
    lag: { lastSeconds: 0.25, received: 9 },
  });
  ok(text.endsWith("\n"));
  const samples = text.split("\n").filter((l) => l && !l.startsWith("#"));
  for (const sample of samples) match(sample, /^parley_[a-z_]+\{node="n\\"1"(,[a-z]+="[a-z]+")*\} [0-9.]+$/);
  const value = (name: string) => Number(samples.find((s) => s.startsWith(`${name}{`))?.split(" ")[1]);
  equal(value("parley_connections"), 3);
  equal(value("parley_rooms"), 2);
  equal(value("parley_messages_in_total"), 10);
  equal(value("parley_messages_out_total"), 25);
  equal(value("parley_send_errors_total"), 1);
  equal(value("parley_bus_dropped_total"), 7);
  equal(value("parley_bus_gaps_refilled_total"), 4);
  equal(value("parley_bus_lag_seconds"), 0.25);
  equal(value("parley_bus_up"), 0);
  ok(text.includes('parley_info{node="n\\"1",store="mongo",bus="redis"} 1'));
  for (const name of ["parley_connections", "parley_messages_in_total", "parley_bus_lag_seconds"]) {
    match(text, new RegExp(`# HELP ${name} .*sum over node`));
    match(text, new RegExp(`# TYPE ${name} (gauge|counter)`));
  }
});

Deno.test("[metrics] bus lag - measures the age of the newest bus message when it arrives", async () => {
  const name = `parley-test-${crypto.randomUUID()}`;
  const a = createBroadcastBus(name);
  const b = createBroadcastBus(name);
  try {
    const lag = trackBusLag(b, () => Date.parse("2024-01-01T00:00:01.500Z"));
    equal(trackBusLag(b), lag, "one tracker per bus");
    a.publish({ t: "sync", node: "x" });
    a.publish({
      t: "message",
      message: {
        id: "m",
        seq: 1,
        room: "r",
        kind: "text",
        author: { id: "u", name: "U", role: "guest" },
        text: "hi",
        at: "2024-01-01T00:00:01.000Z",
      },
    });
    await waitFor(() => lag.received === 1, 3000, "the message on b");
    equal(lag.lastSeconds, 0.5);
  } finally {
    await a.close();
    await b.close();
  }
});
