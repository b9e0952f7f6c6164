/**
 * Prometheus text exposition (format 0.0.4) of the nodes of one process, for `GET /metrics`.
 * Under `deno serve --parallel` each isolate is its own node; the isolate a scrape reaches gathers
 * the others' figures over the bus (`metrics_gather.ts`), and every sample carries a `node` label.
 */
import type { Bus, BusEvent } from "@/lib/bus/types.ts";
import type { HubStats } from "@/lib/hub/hub.ts";
import { mailCounters } from "@/lib/mail/counters.ts";

/** What the newest message that arrived over the bus tells about the bus's delay. */
export interface BusLag {
  /** Seconds between the store accepting the newest bus message and this node receiving it. */
  lastSeconds: number;
  /** Messages received over the bus (each message of a batched event counts). */
  received: number;
}

const trackers = new WeakMap<Bus, BusLag>();

/**
 * Starts (once per bus) measuring the bus lag and returns the live figures. Call it at start-up
 * to measure from the first message; the metrics route calls it too, so it is never missing.
 *
 * @example
 * const lag = trackBusLag(bus);
 * lag.lastSeconds; // 0.004
 */
export function trackBusLag(bus: Bus, now: () => number = Date.now): BusLag {
  let lag = trackers.get(bus);
  if (lag) return lag;
  const tracked: BusLag = { lastSeconds: 0, received: 0 };
  trackers.set(bus, tracked);
  bus.subscribe((event: BusEvent) => {
    // A busy node publishes what it stored in one tick as one `messages` event: count each message,
    // and date the lag by the newest, or the figure goes stale exactly under load. Changes (edits,
    // reactions) carry the changed message's own time, not theirs: not a lag sample.
    if (event.t === "lines") {
      const last = event.lines.at(-1);
      if (!last) return;
      tracked.received += event.lines.length;
      const at = Date.parse(last.at);
      if (Number.isFinite(at)) tracked.lastSeconds = Math.max(0, (now() - at) / 1000);
      return;
    }
    const newest = event.t === "message"
      ? ("update" in event.message ? undefined : event.message)
      : event.t === "messages"
      ? event.messages.at(-1)
      : undefined;
    if (!newest) return;
    // A change (edit, reaction) is dated by the message it changed: no lag sample, only a count.
    const at = "update" in newest ? NaN : Date.parse(newest.at);
    tracked.received += event.t === "messages" ? event.messages.length : 1;
    // Clocks of two machines may disagree by a little; a negative age means "no measurable lag".
    if (Number.isFinite(at)) tracked.lastSeconds = Math.max(0, (now() - at) / 1000);
  });
  lag = tracked;
  return lag;
}

/** One node's figures, plain data (they travel over the bus). */
export interface NodeMetrics {
  stats: HubStats;
  busUp: boolean;
  busDropped: number;
  lag: BusLag;
  /** Offline-reply mail of this node (absent from nodes that predate it). */
  mail?: typeof mailCounters;
}

/**
 * This node's figures now.
 *
 * @example
 * const mine = nodeMetrics(hub.stats(), bus);
 */
export function nodeMetrics(stats: HubStats, bus: Bus & { dropped?: number }): NodeMetrics {
  const lag = trackBusLag(bus);
  return {
    stats,
    busUp: bus.healthy(),
    busDropped: bus.dropped ?? 0,
    lag: { lastSeconds: lag.lastSeconds, received: lag.received },
    mail: { ...mailCounters },
  };
}

export interface MetricsInput {
  nodes: NodeMetrics[];
  busKind: string;
  storeKind: string;
  /** KV with its journal: messages acked and not yet in KV, for the whole process. */
  journalBacklog?: number;
}

interface Family {
  name: string;
  type: "gauge" | "counter";
  help: string;
  value: (node: NodeMetrics) => number;
}

/** Label values escape backslash, double quote and newline, as the format requires. */
function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

const EACH = "One sample per node (isolate) of this process; sum over node.";

/**
 * Renders the metrics of the given nodes, each family once with a sample per node.
 *
 * @example
 * const text = renderMetrics({ nodes: [nodeMetrics(hub.stats(), bus)], busKind: "broadcast", storeKind: "kv" });
 */
export function renderMetrics({ nodes, busKind, storeKind, journalBacklog }: MetricsInput): string {
  const families: Family[] = [
    {
      name: "parley_connections",
      type: "gauge",
      help: "Open WebSocket connections.",
      value: (n) => n.stats.connections,
    },
    {
      name: "parley_rooms",
      type: "gauge",
      help: "Rooms with at least one local reader.",
      value: (n) => n.stats.rooms,
    },
    {
      name: "parley_messages_in_total",
      type: "counter",
      help: "Chat messages received from clients (send frames).",
      value: (n) => n.stats.messagesIn,
    },
    {
      name: "parley_messages_out_total",
      type: "counter",
      help: "Chat messages written to client sockets.",
      value: (n) => n.stats.messagesOut,
    },
    {
      name: "parley_send_errors_total",
      type: "counter",
      help: "Writes to client sockets that failed.",
      value: (n) => n.stats.sendErrors,
    },
    {
      name: "parley_bus_dropped_total",
      type: "counter",
      help: "Bus events this node could not publish (bus down or overloaded); readers refill by seq.",
      value: (n) => n.busDropped,
    },
    {
      name: "parley_bus_gaps_refilled_total",
      type: "counter",
      help: "Messages read from the store to fill seq gaps the bus left.",
      value: (n) => n.stats.gapsRefilled,
    },
    {
      name: "parley_bus_lag_seconds",
      type: "gauge",
      help: "Age of the newest message received over the bus when it arrived (store time to delivery).",
      value: (n) => n.lag.lastSeconds,
    },
    {
      name: "parley_bus_messages_received_total",
      type: "counter",
      help: "Message events received over the bus.",
      value: (n) => n.lag.received,
    },
    {
      name: "parley_mail_sent_total",
      type: "counter",
      help: "Offline-reply mails the SMTP server accepted.",
      value: (n) => n.mail?.sent ?? 0,
    },
    {
      name: "parley_mail_failures_total",
      type: "counter",
      help: "Mail delivery attempts that failed (each is retried until the attempts run out).",
      value: (n) => n.mail?.failures ?? 0,
    },
    {
      name: "parley_mail_dropped_total",
      type: "counter",
      help: "Mails given up after the last retry.",
      value: (n) => n.mail?.dropped ?? 0,
    },
    {
      name: "parley_mail_queued",
      type: "gauge",
      help: "Mails this node put in the outbox less those it sent or dropped (sum over nodes).",
      value: (n) => n.mail?.queued ?? 0,
    },
    {
      name: "parley_bus_up",
      type: "gauge",
      help: "1 when the bus is connected, else 0.",
      value: (n) => n.busUp ? 1 : 0,
    },
  ];
  const sorted = [...nodes].sort((a, b) => a.stats.node < b.stats.node ? -1 : 1);
  const node = (n: NodeMetrics) => `node="${label(n.stats.node)}"`;
  const lines = [
    `# HELP parley_info Which store and bus each node uses. ${EACH}`,
    "# TYPE parley_info gauge",
    ...sorted.map((n) => `parley_info{${node(n)},store="${label(storeKind)}",bus="${label(busKind)}"} 1`),
    "# HELP parley_nodes Nodes (isolates) of this process that answered this scrape.",
    "# TYPE parley_nodes gauge",
    `parley_nodes ${sorted.length}`,
  ];
  if (journalBacklog !== undefined) {
    lines.push(
      "# HELP parley_kv_journal_backlog_messages Messages acked from the KV journal and not yet in KV (this process).",
      "# TYPE parley_kv_journal_backlog_messages gauge",
      `parley_kv_journal_backlog_messages ${journalBacklog}`,
    );
  }
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help} ${EACH}`, `# TYPE ${f.name} ${f.type}`);
    for (const n of sorted) lines.push(`${f.name}{${node(n)}} ${f.value(n)}`);
  }
  return lines.join("\n") + "\n";
}
