/** Turns a run's results into a side-by-side table (plain text for the terminal, Markdown for the README). */
import type { Step } from "./scenarios.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

export interface ServerResult {
  kind: string;
  /** "ok", or "missing: <reason>" when its toolchain could not be had. */
  status: string;
  version?: string;
  readyMs: number[];
  errors: Record<string, string>;
  fanout?: { best?: Step; half?: Step; readers: number; senders: number; connsPerSec: number };
  rooms?: Step & { rooms: number; roomSize: number; rssMiB: number; connsPerSec: number };
  idle?: { opened: number; asked: number; kibPerConn: number; connsPerSec: number; stoppedBy?: string };
  history?: Record<string, Any>;
  pageJs?: { maxKB: number; pages: Record<string, number> };
}

export interface Results {
  date: string;
  command: string;
  machine: Record<string, string | number>;
  generator: string;
  servers: ServerResult[];
}

const num = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n) ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: digits });
const ms = (n?: number) => (n === undefined || !Number.isFinite(n) ? "–" : `${num(n, n < 10 ? 1 : 0)} ms`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ROWS: [string, (r: ServerResult) => string][] = [
  ["fan-out: sustained deliveries/s", (r) => num(r.fanout?.best?.deliveriesPerSec)],
  ["fan-out: at send rate (msg/s)", (r) => num(r.fanout?.best?.rate)],
  ["fan-out: p50 / p99 / max at best", (r) => lat(r.fanout?.best)],
  ["fan-out: p50 / p99 / max at half load", (r) => lat(r.fanout?.half)],
  ["fan-out: server CPU at best", (r) => (r.fanout?.best ? `${num(r.fanout.best.cpu)}%` : "–")],
  [
    "rooms: deliveries/s (% of expected)",
    (r) =>
      r.rooms
        ? `${num(r.rooms.deliveriesPerSec)} (${
          num((100 * r.rooms.delivered) / Math.max(1, r.rooms.expected))
        }%)`
        : "–",
  ],
  ["rooms: p50 / p99 / max", (r) => lat(r.rooms)],
  ["rooms: server CPU / RSS", (r) => (r.rooms ? `${num(r.rooms.cpu)}% / ${num(r.rooms.rssMiB)} MiB` : "–")],
  ["connections opened/s", (r) => num(r.idle?.connsPerSec ?? r.rooms?.connsPerSec)],
  ["idle: connections held", (r) => (r.idle ? `${num(r.idle.opened)} / ${num(r.idle.asked)}` : "–")],
  ["idle: RSS per connection", (r) => (r.idle ? `${num(r.idle.kibPerConn, 1)} KiB` : "–")],
  ["ready to serve", (r) => ms(r.readyMs.length ? median(r.readyMs) : undefined)],
  ["history page p99 (KV / FerretDB)", (r) => hist(r, "pageP99")],
  ["join + replay 100 p99 (KV / FerretDB)", (r) => hist(r, "joinP99")],
  ["JavaScript per page (gzip, max)", (r) => (r.pageJs ? `${num(r.pageJs.maxKB, 1)} KB` : "–")],
];

function lat(s?: { p50: number; p99: number; max: number }): string {
  return s ? `${num(s.p50, 1)} / ${num(s.p99, 1)} / ${num(s.max, 0)} ms` : "–";
}

function hist(r: ServerResult, key: string): string {
  if (!r.history) return "–";
  return ["kv", "ferretdb"].map((s) => r.history![s]?.[key] !== undefined ? ms(r.history![s][key]) : "–")
    .join(" / ");
}

/** Parley's fan-out throughput over each peer's. */
export function ratios(results: Results): Record<string, number | undefined> {
  const parley = results.servers.find((s) => s.kind === "parley")?.fanout?.best?.deliveriesPerSec;
  const out: Record<string, number | undefined> = {};
  for (const s of results.servers) {
    if (s.kind === "parley") continue;
    const peer = s.fanout?.best?.deliveriesPerSec;
    out[s.kind] = parley && peer ? parley / peer : undefined;
  }
  return out;
}

/** The targets, each with what was measured and whether it was met. */
export function targets(results: Results): [string, string, string][] {
  const p = results.servers.find((s) => s.kind === "parley");
  const r = ratios(results);
  const check = (v: number | undefined, ok: (v: number) => boolean) =>
    v === undefined ? "not measured" : ok(v) ? "met" : "MISSED";
  return [
    ["fan-out ≥ Centrifugo's", `${num(r.centrifugo, 2)}×`, check(r.centrifugo, (v) => v >= 1)],
    ["fan-out ≥ 5× Socket.IO's", `${num(r.socketio, 1)}×`, check(r.socketio, (v) => v >= 5)],
    ["fan-out ≥ 10× FastAPI's", `${num(r.fastapi, 1)}×`, check(r.fastapi, (v) => v >= 10)],
    ["p99 ≤ 50 ms at half load", ms(p?.fanout?.half?.p99), check(p?.fanout?.half?.p99, (v) => v <= 50)],
    [
      "≤ 30 KiB per idle connection",
      `${num(p?.idle?.kibPerConn, 1)} KiB`,
      check(p?.idle?.kibPerConn, (v) => v <= 30),
    ],
    [
      "join + replay 100 ≤ 20 ms p99 (KV)",
      ms(p?.history?.kv?.joinP99),
      check(p?.history?.kv?.joinP99, (v) => v <= 20),
    ],
    [
      "≤ 30 KB gzip JS on any page",
      `${num(p?.pageJs?.maxKB, 1)} KB`,
      check(p?.pageJs?.maxKB, (v) => v <= 30),
    ],
    [
      "ready ≤ 1 s after start",
      ms(p?.readyMs.length ? Math.max(...p.readyMs) : undefined),
      check(p?.readyMs.length ? Math.max(...p.readyMs) : undefined, (v) => v <= 1000),
    ],
  ];
}

function header(s: ServerResult): string {
  return s.status === "ok" ? s.kind : `${s.kind} (${s.status})`;
}

function grid(results: Results): string[][] {
  const rows = [["", ...results.servers.map(header)]];
  for (const [label, cell] of ROWS) {
    rows.push([label, ...results.servers.map((s) => (s.status === "ok" ? cell(s) : "–"))]);
  }
  return rows;
}

/** Plain-text table for the terminal. */
export function renderText(results: Results): string {
  const rows = grid(results);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ");
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line), ""];
  out.push(
    "Parley ÷ peer, fan-out deliveries/s: " +
      Object.entries(ratios(results)).map(([k, v]) => `${k} ${num(v, 2)}×`).join(", "),
  );
  for (const [t, v, ok] of targets(results)) out.push(`  ${ok.padEnd(12)} ${t}: ${v}`);
  for (const s of results.servers) {
    for (const [scenario, e] of Object.entries(s.errors)) out.push(`  ${s.kind} ${scenario}: ${e}`);
  }
  return out.join("\n");
}

/** The same results as Markdown, for the README. */
export function renderMarkdown(results: Results): string {
  const rows = grid(results);
  const md = (r: string[]) => `| ${r.join(" | ")} |`;
  const m = results.machine;
  return [
    `Run on ${results.date} with \`${results.command}\`, on ${m.cpu} (${m.cores} cores, ${m.memory}), ${m.os}, ` +
    `Deno ${m.deno}. Load: ${results.generator}.`,
    "",
    md(rows[0]),
    md(rows[0].map(() => "---")),
    ...rows.slice(1).map(md),
    "",
    md(["Parley ÷ peer (fan-out deliveries/s)", ...Object.keys(ratios(results))]),
    md(["---", ...Object.keys(ratios(results)).map(() => "---")]),
    md(["", ...Object.values(ratios(results)).map((v) => `${num(v, 2)}×`)]),
    "",
    md(["target", "measured", ""]),
    md(["---", "---", "---"]),
    ...targets(results).map(md),
    "",
    "Peers: " +
    results.servers.filter((s) => s.kind !== "parley").map((s) => `${s.kind}: ${s.version ?? s.status}`).join(
      "; ",
    ) + ".",
  ].join("\n");
}
