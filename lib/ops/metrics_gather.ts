/**
 * One scrape, every isolate: the isolate that `GET /metrics` reaches asks the other nodes of its
 * process over the bus and waits briefly for their figures. Nodes of other processes (a Redis bus
 * spans machines) ignore the question: each process is its own scrape target.
 */
import type { Bus } from "@/lib/bus/types.ts";
import type { NodeMetrics } from "@/lib/ops/metrics.ts";

interface Pending {
  replies: NodeMetrics[];
  /** Called on each reply. */
  check: () => void;
}

export interface MetricsGatherer {
  /** This node's figures and those of every node of the process that answered in time. */
  gather(waitMs?: number): Promise<NodeMetrics[]>;
}

/** Names this process among the others on one bus. */
function processId(): string {
  let host = "";
  try {
    host = Deno.hostname();
  } catch { /* not allowed: the pid alone still tells the isolates of one process together */ }
  return `${host}:${Deno.pid}`;
}

const gatherers = new WeakMap<Bus, MetricsGatherer>();

/**
 * Answers other nodes' questions from now on, and returns the gatherer for this node's scrapes.
 * Call it at start-up: a node that has not called it never answers.
 *
 * @example
 * const metrics = metricsGatherer(bus, () => nodeMetrics(hub.stats(), bus));
 * const nodes = await metrics.gather();
 */
export function metricsGatherer(bus: Bus, local: () => NodeMetrics, process = processId()): MetricsGatherer {
  const known = gatherers.get(bus);
  if (known) return known;
  const pending = new Map<string, Pending>();
  // How many nodes have answered one scrape at most (-1: no scrape yet). A scrape returns once that
  // many have answered; the rest of its window still counts late answers for the next one.
  let expected = -1;
  bus.subscribe((event) => {
    if (event.t === "metrics-ask" && event.process === process) {
      bus.publish({ t: "metrics-reply", id: event.id, process, metrics: local() });
    } else if (event.t === "metrics-reply" && event.process === process) {
      const wait = pending.get(event.id);
      wait?.replies.push(event.metrics);
      wait?.check();
    }
  });
  const gatherer: MetricsGatherer = {
    async gather(waitMs = 1_000) {
      const id = crypto.randomUUID();
      const replies: NodeMetrics[] = [];
      let answered = () => {};
      const enough = new Promise<void>((resolve) => answered = resolve);
      const check = () => {
        if (expected >= 0 && replies.length >= expected) answered();
      };
      pending.set(id, { replies, check });
      const timer = setTimeout(() => {
        pending.delete(id);
        expected = Math.max(expected, replies.length);
        answered();
      }, waitMs);
      // The window outlives a scrape that returned early; it must not keep the process alive.
      Deno.unrefTimer(timer);
      bus.publish({ t: "metrics-ask", id, process });
      check();
      await enough;
      return [local(), ...replies];
    },
  };
  gatherers.set(bus, gatherer);
  return gatherer;
}
