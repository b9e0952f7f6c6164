import { deepEqual, equal, match, ok } from "node:assert/strict";
import { type NodeMetrics, renderMetrics, trackBusLag } from "@/lib/ops/metrics.ts";
import { metricsGatherer } from "@/lib/ops/metrics_gather.ts";
import { createBroadcastBus } from "@/lib/bus/broadcast.ts";
import { waitFor } from "@/lib/bus/contract.ts";
import type { HubStats } from "@/lib/hub/hub.ts";

const stats: HubStats = {
  node: 'n"1',
  connections: 3,
  rooms: 2,
  messagesIn: 10,
  messagesOut: 25,
  sendErrors: 1,
  gapsRefilled: 4,
};

function node(name: string, connections: number): NodeMetrics {
  return {
    stats: { ...stats, node: name, connections },
    busUp: false,
    busDropped: 7,
    lag: { lastSeconds: 0.25, received: 9 },
  };
}

Deno.test("[metrics] render - every family has HELP, TYPE and a node-labelled sample", () => {
  const text = renderMetrics({ nodes: [node('n"1', 3)], busKind: "redis", storeKind: "mongo" });
  ok(text.endsWith("\n"));
  const samples = text.split("\n").filter((l) => l && !l.startsWith("#") && !l.startsWith("parley_nodes "));
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

Deno.test("[metrics] render - several nodes: each family once, one sample per node", () => {
  const text = renderMetrics({ nodes: [node("b", 5), node("a", 2)], busKind: "broadcast", storeKind: "kv" });
  equal(text.match(/^# TYPE parley_connections /gm)?.length, 1);
  match(text, /parley_connections\{node="a"\} 2\nparley_connections\{node="b"\} 5\n/);
  match(text, /^parley_nodes 2$/m);
});

Deno.test("[metrics] render - the KV journal's backlog once for the process, only where there is one", () => {
  const withJournal = renderMetrics({
    nodes: [node("a", 1)],
    busKind: "ports",
    storeKind: "kv",
    journalBacklog: 12,
  });
  match(withJournal, /^# TYPE parley_kv_journal_backlog_messages gauge$/m);
  match(withJournal, /^parley_kv_journal_backlog_messages 12$/m);
  const without = renderMetrics({ nodes: [node("a", 1)], busKind: "redis", storeKind: "mongo" });
  equal(without.includes("parley_kv_journal_backlog_messages"), false);
});

Deno.test("[metrics] gather - the nodes of one process answer; another process's do not", async () => {
  const name = `parley-test-${crypto.randomUUID()}`;
  const buses = [createBroadcastBus(name), createBroadcastBus(name), createBroadcastBus(name)];
  try {
    const here = metricsGatherer(buses[0], () => node("a", 1), "host:1");
    metricsGatherer(buses[1], () => node("b", 2), "host:1");
    metricsGatherer(buses[2], () => node("elsewhere", 4), "host:2");
    const first = await here.gather(300);
    deepEqual(first.map((n) => n.stats.node).sort(), ["a", "b"]);
    // The next scrape knows how many to wait for and does not wait out the window.
    const started = performance.now();
    deepEqual((await here.gather(5_000)).map((n) => n.stats.node).sort(), ["a", "b"]);
    ok(performance.now() - started < 2_000);
  } finally {
    await Promise.all(buses.map((b) => b.close()));
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

Deno.test("[metrics] bus lag - a batched `messages` event counts each message and dates the lag by the newest", async () => {
  const name = `parley-test-${crypto.randomUUID()}`;
  const a = createBroadcastBus(name);
  const b = createBroadcastBus(name);
  try {
    const lag = trackBusLag(b, () => Date.parse("2024-01-01T00:00:03.000Z"));
    const message = (seq: number, at: string) => ({
      id: `m${seq}`,
      seq,
      room: "r",
      kind: "text" as const,
      author: { id: "u", name: "U", role: "guest" as const },
      text: "hi",
      at,
    });
    a.publish({
      t: "messages",
      messages: [message(1, "2024-01-01T00:00:01.000Z"), message(2, "2024-01-01T00:00:02.750Z")],
    });
    await waitFor(() => lag.received === 2, 3000, "both messages of the batch on b");
    equal(lag.lastSeconds, 0.25);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("[metrics] bus lag - the hub's `lines` events count each line and date the lag by the newest", async () => {
  const name = `parley-test-${crypto.randomUUID()}`;
  const a = createBroadcastBus(name);
  const b = createBroadcastBus(name);
  try {
    const lag = trackBusLag(b, () => Date.parse("2024-01-01T00:00:05.000Z"));
    const line = (seq: number, at: string) => ({
      room: "r",
      seq,
      author: "u",
      kind: "text" as const,
      at,
      line: "{}",
    });
    a.publish({
      t: "lines",
      lines: [
        line(1, "2024-01-01T00:00:01.000Z"),
        line(2, "2024-01-01T00:00:02.000Z"),
        line(3, "2024-01-01T00:00:04.000Z"),
      ],
    });
    await waitFor(() => lag.received === 3, 3000, "the three lines on b");
    equal(lag.lastSeconds, 1);
  } finally {
    await a.close();
    await b.close();
  }
});
