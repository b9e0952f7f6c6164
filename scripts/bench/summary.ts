/** The targets of issues 9, 11 and 13 checked against a run, and Parley's own tables (history, page weight). */
import { lat, num, type Results, type ServerResult, type Table } from "./report.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
import type { AssetWeight, PageWeights } from "./pageweight.ts";

type Check = [string, string, string];

const find = (r: Results, kind: string) => r.servers.find((s) => s.kind === kind && s.status === "ok");
const ratio = (a?: number, b?: number) => (a && b ? a / b : undefined);
const verdict = (v: number | undefined, ok: (v: number) => boolean) =>
  v === undefined ? "not measured" : ok(v) ? "met" : "MISSED";

/** Gzip bytes of the JavaScript one page loads (its own scripts and what they import). */
export function pageJsGzip(pw: PageWeights, page: string): number | undefined {
  const p = pw.pages.find((x) => x.path === page);
  if (!p) return undefined;
  const byPath = new Map(pw.assets.map((a) => [a.path, a]));
  return p.assets.map((a) => byPath.get(a)).filter((a) => a && /javascript/.test(a.type))
    .reduce((n, a) => n + gzipBytes(a!), 0);
}

/** What gzip costs on the wire, or what it would if the server sent it uncompressed. */
export function gzipBytes(a: AssetWeight): number {
  return a.gzip.encoding === "gzip" ? a.gzip.bytes : a.gzipLocal;
}

/** [target, measured, verdict] for every target the run can speak to. */
export function targets(results: Results): Check[] {
  const p = find(results, "parley"), c = find(results, "centrifugo");
  const fa = find(results, "fastapi"), sio = find(results, "socketio");
  const small = (s?: ServerResult) => s?.smallrooms?.loop.deliveriesPerSec;
  const out: Check[] = [];
  const add = (what: string, v: number | undefined, shown: string, ok: (v: number) => boolean) =>
    out.push([what, v === undefined ? "–" : shown, verdict(v, ok)]);
  const vsC = ratio(small(p), small(c));
  add("small rooms: deliveries/s ≥ 1.0× Centrifugo", vsC, `${num(vsC, 2)}×`, (v) => v >= 1);
  const vsF = ratio(small(p), small(fa));
  add("small rooms: deliveries/s ≥ 2× FastAPI", vsF, `${num(vsF, 2)}×`, (v) => v >= 2);
  const vsS = ratio(small(p), small(sio));
  add("small rooms: deliveries/s ≥ 2× Socket.IO", vsS, `${num(vsS, 2)}×`, (v) => v >= 2);
  const p99 = p?.smallrooms?.latency.p99;
  add("small rooms: p99 ≤ 2 ms at 200 msg/s", p99, `${num(p99, 1)} ms`, (v) => v <= 2);
  const one = ratio(p?.oneroom?.deliveriesPerSec, c?.oneroom?.deliveriesPerSec);
  add("one room of 10: ≥ 1.0× Centrifugo", one, `${num(one, 2)}×`, (v) => v >= 1);
  const fan = ratio(p?.fanout?.best?.deliveriesPerSec, c?.fanout?.best?.deliveriesPerSec);
  add("one room of 1,000: ≥ 1.5× Centrifugo", fan, `${num(fan, 2)}×`, (v) => v >= 1.5);
  const join = p?.history?.kv?.joinP99;
  add("join + replay 100 ≤ 20 ms p99 (KV)", join, `${num(join, 1)} ms`, (v) => v <= 20);
  const idle = p?.idle?.kibPerConn;
  add("≤ 30 KiB per idle connection", idle, `${num(idle, 1)} KiB`, (v) => v <= 30);
  const ready = p?.readyMs.length ? Math.max(...p.readyMs) : undefined;
  add("ready ≤ 1 s after start (slowest start)", ready, `${num(ready)} ms`, (v) => v <= 1000);
  if (p?.pages) {
    const js = Math.max(...p.pages.pages.map((x) => pageJsGzip(p.pages!, x.path) ?? 0));
    add("≤ 30 KB gzip of JavaScript on any page", js, `${num(js / 1000, 1)} KB`, (v) => v <= 30_000);
    const widget = p.pages.assets.find((a) => a.path === "/widget.js");
    const w = widget ? gzipBytes(widget) : undefined;
    out.push([
      "widget.js ≤ 10 KB gzip",
      widget ? `${num(w! / 1000, 1)} KB` : "not served yet",
      widget ? verdict(w, (v) => v <= 10_000) : "not measured",
    ]);
  }
  return out;
}

const wire = (w: { bytes: number; encoding: string }, asked: string) =>
  w.encoding === asked ? num(w.bytes) : `${num(w.bytes)} (sent ${w.encoding})`;

/** Bytes on the wire per page (the page and all it loads), and per file. */
export function pageWeightTables(pw: PageWeights): Table[] {
  const pages: Table = {
    title: "Page weight: bytes on the wire of a page and everything it loads, by Accept-Encoding",
    head: ["page", "files", "identity", "gzip", "br", "JavaScript (gzip)"],
    rows: pw.pages.map((p) => [
      p.path,
      String(p.assets.length),
      num(p.identity),
      num(p.gzip),
      num(p.br),
      num(pageJsGzip(pw, p.path)),
    ]),
  };
  const files: Table = {
    title: "Page weight per file: body bytes as sent (gzip -9 done by the bench, for comparison)",
    head: ["file", "type", "identity", "gzip", "br", "gzip -9 by the bench"],
    rows: pw.assets.map((a) => [
      a.path,
      a.type,
      num(a.identity.bytes),
      wire(a.gzip, "gzip"),
      wire(a.br, "br"),
      num(a.gzipLocal),
    ]),
  };
  return [pages, files];
}

/** History figures, Parley only, on each store. */
export function historyTable(results: Results): Table | undefined {
  const h = results.servers.find((s) => s.kind === "parley")?.history;
  if (!h) return undefined;
  const rows = Object.entries(h).map(([store, m]: [string, Any]) =>
    m.error ? [store, `failed: ${m.error}`, "", ""] : [
      store === "kv" ? "Deno KV" : store === "ferretdb" ? "FerretDB (MongoDB protocol)" : store,
      num(m.messages),
      `${lat({ p50: m.pageP50, p99: m.pageP99 })} (${m.pageSamples})`,
      `${lat({ p50: m.joinP50, p99: m.joinP99 })} (${m.joinSamples})`,
    ]
  );
  return {
    title: "History (Parley): a page of 50 older messages, and join with `since` replaying 100 (samples)",
    head: ["store", "messages in the room", "history page p50 / p99", "join + replay 100 p50 / p99"],
    rows,
  };
}
