/**
 * Prometheus text exposition (format 0.0.4) of one node's counters, for `GET /metrics`.
 * Under `deno serve --parallel` each isolate is its own node and answers for itself only, so every
 * sample carries a `node` label; sum over it (and over processes) in the query.
 */
import type { Bus, BusEvent } from "@/lib/bus/types.ts";
import type { HubStats } from "@/lib/hub.ts";

/** What the newest message that arrived over the bus tells about the bus's delay. */
export interface BusLag {
  /** Seconds between the store accepting the newest bus message and this node receiving it. */
  lastSeconds: number;
  /** Message events received over the bus. */
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
    if (event.t !== "message") return;
    const at = Date.parse(event.message.at);
    tracked.received++;
    // Clocks of two machines may disagree by a little; a negative age means "no measurable lag".
    if (Number.isFinite(at)) tracked.lastSeconds = Math.max(0, (now() - at) / 1000);
  });
  lag = tracked;
  return lag;
}

export interface MetricsInput {
  stats: HubStats;
  bus: { kind: string; healthy(): boolean; dropped?: number };
  store: { kind: string };
  lag: BusLag;
}

interface Family {
  name: string;
  type: "gauge" | "counter";
  help: string;
  value: number;
}

/** Label values escape backslash, double quote and newline, as the format requires. */
function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

const EACH = "Reported by each node (isolate) for itself; sum over node.";

/**
 * Renders the metrics of one node.
 *
 * @example
 * const text = renderMetrics({ stats: hub.stats(), bus, store, lag: trackBusLag(bus) });
 */
export function renderMetrics({ stats, bus, store, lag }: MetricsInput): string {
  const families: Family[] = [
    {
      name: "parley_connections",
      type: "gauge",
      help: "Open WebSocket connections.",
      value: stats.connections,
    },
    {
      name: "parley_rooms",
      type: "gauge",
      help: "Rooms with at least one local reader.",
      value: stats.rooms,
    },
    {
      name: "parley_messages_in_total",
      type: "counter",
      help: "Chat messages received from clients (send frames).",
      value: stats.messagesIn,
    },
    {
      name: "parley_messages_out_total",
      type: "counter",
      help: "Chat messages written to client sockets.",
      value: stats.messagesOut,
    },
    {
      name: "parley_send_errors_total",
      type: "counter",
      help: "Writes to client sockets that failed.",
      value: stats.sendErrors,
    },
    {
      name: "parley_bus_dropped_total",
      type: "counter",
      help: "Bus events this node could not publish (bus down or overloaded); readers refill by seq.",
      value: bus.dropped ?? 0,
    },
    {
      name: "parley_bus_gaps_refilled_total",
      type: "counter",
      help: "Messages read from the store to fill seq gaps the bus left.",
      value: stats.gapsRefilled,
    },
    {
      name: "parley_bus_lag_seconds",
      type: "gauge",
      help: "Age of the newest message received over the bus when it arrived (store time to delivery).",
      value: lag.lastSeconds,
    },
    {
      name: "parley_bus_messages_received_total",
      type: "counter",
      help: "Message events received over the bus.",
      value: lag.received,
    },
    {
      name: "parley_bus_up",
      type: "gauge",
      help: "1 when the bus is connected, else 0.",
      value: bus.healthy() ? 1 : 0,
    },
  ];
  const node = `node="${label(stats.node)}"`;
  const lines = [
    `# HELP parley_info Which store and bus this node uses. ${EACH}`,
    "# TYPE parley_info gauge",
    `parley_info{${node},store="${label(store.kind)}",bus="${label(bus.kind)}"} 1`,
  ];
  for (const f of families) {
    lines.push(
      `# HELP ${f.name} ${f.help} ${EACH}`,
      `# TYPE ${f.name} ${f.type}`,
      `${f.name}{${node}} ${f.value}`,
    );
  }
  return lines.join("\n") + "\n";
}
