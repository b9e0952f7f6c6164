/**
 * Turns a run's results into side-by-side tables: plain text for the terminal, Markdown for
 * docs/benchmarks.md. Every figure in a table comes from the run's JSON, nothing else.
 */
import type { Step } from "./scenarios.ts";
import type { LoopResult } from "./loops.ts";
import type { PageWeights } from "./pageweight.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

export interface ServerResult {
  kind: string;
  /** "ok", or "missing: <reason>" when its toolchain could not be had. */
  status: string;
  version?: string;
  cores?: string;
  readyMs: number[];
  errors: Record<string, string>;
  smallrooms?: {
    rooms: number;
    readers: number;
    inFlight: number;
    loop: LoopResult;
    latency: Step;
    connsPerSec: number;
  };
  oneroom?: LoopResult & { readers: number; messages: number; inFlight: number };
  fanout?: { best?: Step; half?: Step; readers: number; senders: number; steps: Step[]; connsPerSec: number };
  rooms?: Step & { rooms: number; roomSize: number; rssMiB: number; connsPerSec: number };
  idle?: {
    opened: number;
    asked: number;
    kibPerConn: number;
    connsPerSec: number;
    stoppedBy?: string;
    closes?: Record<string, number>;
  };
  history?: Record<string, Any>;
  pages?: PageWeights;
}

export interface Results {
  date: string;
  /** When the run began and how long it took. */
  startedAt?: string;
  seconds?: number;
  command: string;
  machine: Record<string, string | number>;
  generator: string;
  servers: ServerResult[];
}

export interface Table {
  title: string;
  head: string[];
  rows: string[][];
}

const NAMES: Record<string, string> = {
  parley: "Parley",
  centrifugo: "Centrifugo",
  socketio: "Socket.IO",
  fastapi: "FastAPI",
  ws: "Node ws",
};

export const num = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n) ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: digits });
const ms = (n?: number) => (n === undefined || !Number.isFinite(n) ? "–" : `${num(n, n < 10 ? 1 : 0)} ms`);
const pct = (n?: number) => (n === undefined || !Number.isFinite(n) ? "–" : `${num(n)}%`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const lat = (s?: { p50: number; p99: number }) => s ? `${num(s.p50, 1)} / ${num(s.p99, 1)} ms` : "–";
const delivered = (s?: { delivered: number; expected: number }) =>
  s ? pct((100 * s.delivered) / Math.max(1, s.expected)) : "–";

/** Close-code counts added up over several steps. */
export function sumCloses(...all: (Record<string, number> | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const closes of all) {
    for (const [code, n] of Object.entries(closes ?? {})) out[code] = (out[code] ?? 0) + n;
  }
  return out;
}

/** "3012×4, 1006×1, error:rate_limited×2" (close codes, then refused sends by code), or "none". */
export function closesText(closes?: Record<string, number>): string {
  const parts = Object.entries(closes ?? {}).map(([code, n]) => `${code}×${n}`);
  return parts.length ? parts.join(", ") : "none";
}

function serverName(s: ServerResult): string {
  const name = NAMES[s.kind] ?? s.kind;
  return s.status === "ok" ? name : `${name} (${s.status})`;
}

/** One row per server; a server that failed a scenario shows its error in that row. */
function perServer(
  results: Results,
  title: string,
  head: string[],
  has: (s: ServerResult) => boolean,
  cells: (s: ServerResult) => string[],
  scenario: string,
): Table {
  const rows = results.servers.map((s) => {
    if (s.status === "ok" && has(s)) return [serverName(s), ...cells(s)];
    const why = s.status !== "ok"
      ? "not run"
      : s.errors[scenario]
      ? `failed: ${s.errors[scenario]}`
      : "not run";
    return [serverName(s), why, ...head.slice(2).map(() => "")];
  });
  return { title, head, rows };
}

/** The tables of every scenario that ran, in the order the docs page shows them. */
export function tables(results: Results): Table[] {
  const out: Table[] = [];
  const any = (pick: (s: ServerResult) => unknown) => results.servers.some(pick);
  out.push({
    title: "Servers",
    head: ["server", "version", "cores it may use", "ready to serve (median)"],
    rows: results.servers.map((s) => [
      serverName(s),
      s.version ?? "–",
      s.cores ?? "–",
      ms(s.readyMs.length ? median(s.readyMs) : undefined),
    ]),
  });
  if (any((s) => s.smallrooms || s.errors.smallrooms)) {
    const sr = results.servers.find((s) => s.smallrooms)?.smallrooms;
    out.push(perServer(
      results,
      `Small rooms: ${sr?.rooms ?? 100} rooms × (${sr?.readers ?? 5} readers + 1 sender), closed loop, ` +
        `${sr?.inFlight ?? 8} in flight per room; latency at ${
          num(sr?.latency.rate ?? 200)
        } msg/s over the rooms`,
      [
        "server",
        "deliveries/s",
        "messages/s",
        "server CPU",
        "p50 / p99 at fixed rate",
        "delivered",
        "disconnects, errors",
      ],
      (s) => !!s.smallrooms,
      (s) => {
        const r = s.smallrooms!;
        return [
          num(r.loop.deliveriesPerSec),
          num(r.loop.messagesPerSec),
          pct(r.loop.cpu),
          lat(r.latency),
          `${pct(r.loop.deliveredPct)} / ${delivered(r.latency)}`,
          closesText(sumCloses(r.loop.closes, r.latency.closes)),
        ];
      },
      "smallrooms",
    ));
  }
  if (any((s) => s.oneroom || s.errors.oneroom)) {
    const o = results.servers.find((s) => s.oneroom)?.oneroom;
    out.push(perServer(
      results,
      `One room of ${o?.readers ?? 10} readers + 1 sender, ${
        num(o?.messages ?? 5000)
      } messages, closed loop, ` +
        `${o?.inFlight ?? 8} in flight`,
      ["server", "deliveries/s", "seconds", "server CPU", "p50 / p99", "delivered", "disconnects, errors"],
      (s) => !!s.oneroom,
      (s) => {
        const r = s.oneroom!;
        return [
          num(r.deliveriesPerSec),
          num(r.seconds, 2),
          pct(r.cpu),
          lat(r),
          pct(r.deliveredPct),
          closesText(r.closes),
        ];
      },
      "oneroom",
    ));
  }
  if (any((s) => s.fanout || s.errors.fanout)) {
    const f = results.servers.find((s) => s.fanout)?.fanout;
    out.push(perServer(
      results,
      `Fan-out: one room of ${num(f?.readers ?? 1000)} readers, ${
        f?.senders ?? 10
      } senders, the rate raised ` +
        "until p99 passes 100 ms or under 95% is delivered",
      [
        "server",
        "sustained deliveries/s",
        "at msg/s",
        "p50 / p99 there",
        "p50 / p99 at half",
        "server CPU",
        "disconnects, errors",
      ],
      (s) => !!s.fanout,
      (s) => {
        const r = s.fanout!;
        const closes = sumCloses(...r.steps.map((step) => step.closes), r.half?.closes);
        const first = r.steps[0];
        if (!r.best && first) {
          const why = `none: the first step (${num(first.rate)} msg/s) had p99 ${ms(first.p99)}, ${
            delivered(first)
          }`;
          return [why, "–", lat(first), "–", pct(first.cpu), closesText(closes)];
        }
        return [
          num(r.best?.deliveriesPerSec),
          num(r.best?.rate),
          lat(r.best),
          lat(r.half),
          pct(r.best?.cpu),
          closesText(closes),
        ];
      },
      "fanout",
    ));
  }
  if (any((s) => s.rooms || s.errors.rooms)) {
    const r0 = results.servers.find((s) => s.rooms)?.rooms;
    out.push(perServer(
      results,
      `Many rooms: ${num(r0?.rooms ?? 500)} rooms of ${r0?.roomSize ?? 10}, each member sending every 5 s`,
      ["server", "deliveries/s", "delivered", "p50 / p99", "server CPU", "RSS", "disconnects, errors"],
      (s) => !!s.rooms,
      (s) => {
        const r = s.rooms!;
        return [
          num(r.deliveriesPerSec),
          delivered(r),
          lat(r),
          pct(r.cpu),
          `${num(r.rssMiB)} MiB`,
          closesText(r.closes),
        ];
      },
      "rooms",
    ));
  }
  if (any((s) => s.idle || s.errors.idle)) {
    out.push(perServer(
      results,
      "Idle connections",
      [
        "server",
        "held / asked",
        "RSS per connection",
        "opened per second",
        "stopped by",
        "disconnects, errors",
      ],
      (s) => !!s.idle,
      (s) => {
        const r = s.idle!;
        return [
          `${num(r.opened)} / ${num(r.asked)}`,
          `${num(r.kibPerConn, 1)} KiB`,
          num(r.connsPerSec),
          r.stoppedBy || "–",
          closesText(r.closes),
        ];
      },
      "idle",
    ));
  }
  return out;
}

export function renderTable(t: Table, markdown: boolean): string {
  if (markdown) {
    const md = (r: string[]) => `| ${r.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
    return [`**${t.title}**`, "", md(t.head), md(t.head.map(() => "---")), ...t.rows.map(md)].join("\n");
  }
  const rows = [t.head, ...t.rows];
  const widths = t.head.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => (cell ?? "").padEnd(widths[c])).join("  ").trimEnd();
  return [t.title, line(t.head), widths.map((w) => "-".repeat(w)).join("  "), ...t.rows.map(line)].join("\n");
}
