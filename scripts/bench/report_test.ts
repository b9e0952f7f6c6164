import { deepEqual, equal } from "node:assert/strict";
import { closesText, renderTable, type Results, sumCloses, tables } from "./report.ts";
import { pageWeightTables, targets } from "./summary.ts";
import { benchmarksPage } from "./docs_page.ts";
import type { LoopResult } from "./loops.ts";
import type { Step } from "./scenarios.ts";

const machine = {
  cpu: "cpu",
  nproc: 2,
  memory: "24 GiB",
  os: "Linux",
  deno: "2",
  loadBefore: "0.10 0.2 0.3",
};

function loop(deliveriesPerSec: number, closes: Record<string, number> = {}): LoopResult {
  return {
    deliveriesPerSec,
    messagesPerSec: deliveriesPerSec / 5,
    seconds: 10,
    deliveredPct: 100,
    p50: 1,
    p99: 3,
    cpu: 120,
    clientCpu: 80,
    closes,
  };
}

const step = (p99: number): Step => ({
  rate: 200,
  deliveriesPerSec: 1000,
  delivered: 10_000,
  expected: 10_000,
  p50: 0.5,
  p99,
  max: 9,
  cpu: 20,
  clientCpu: 10,
  closes: {},
});

function run(): Results {
  const small = (d: number, p99: number, closes?: Record<string, number>) => ({
    rooms: 100,
    readers: 5,
    inFlight: 8,
    loop: loop(d, closes),
    latency: step(p99),
    connsPerSec: 500,
  });
  return {
    date: "2026-12-01",
    command: "deno task bench --save",
    machine,
    generator: "test",
    servers: [
      { kind: "parley", status: "ok", readyMs: [200, 300], errors: {}, smallrooms: small(130_000, 1.5) },
      {
        kind: "centrifugo",
        status: "ok",
        readyMs: [100],
        errors: {},
        smallrooms: small(120_000, 1.2, { 3012: 2 }),
      },
      { kind: "fastapi", status: "ok", readyMs: [400], errors: { smallrooms: "opened 3/600" } },
      { kind: "ws", status: "missing: node not found", readyMs: [], errors: {} },
    ],
  };
}

Deno.test("[bench] report - a missing peer and a failed scenario show why", () => {
  const [servers, small] = tables(run());
  equal(servers.rows[3][0], "Node ws (missing: node not found)");
  equal(small.rows[2][1], "failed: opened 3/600");
  equal(small.rows[3][1], "not run");
  equal(small.rows[1][6], "3012×2");
  equal(small.rows[0][1], "130,000");
});

Deno.test("[bench] report - close codes add up across steps and processes", () => {
  deepEqual(sumCloses({ 1006: 1 }, undefined, { 1006: 2, 3012: 1 }), { 1006: 3, 3012: 1 });
  equal(closesText({}), "none");
});

Deno.test("[bench] targets - ratios against the peers, met and missed", () => {
  const byName = Object.fromEntries(targets(run()).map(([t, v, ok]) => [t, [v, ok]]));
  deepEqual(byName["small rooms: deliveries/s ≥ 1.0× Centrifugo"], ["1.08×", "met"]);
  deepEqual(byName["small rooms: p99 ≤ 2 ms at 200 msg/s"], ["1.5 ms", "met"]);
  deepEqual(byName["small rooms: deliveries/s ≥ 2× FastAPI"], ["–", "not measured"]);
  deepEqual(byName["ready ≤ 1 s after start (slowest start)"], ["300 ms", "met"]);
});

Deno.test("[bench] page weight - a file sent uncompressed says so, widget.js is checked once served", () => {
  const asset = (path: string, type: string, enc: string, bytes: number) => ({
    path,
    status: 200,
    type,
    identity: { bytes: 1000, encoding: "identity" },
    gzip: { bytes, encoding: enc },
    br: { bytes: 1000, encoding: "identity" },
    gzipLocal: 300,
  });
  const pages = {
    pages: [{ path: "/", assets: ["/", "/a.js"], identity: 2000, gzip: 1350, br: 2000 }],
    assets: [asset("/", "text/html", "gzip", 350), asset("/a.js", "text/javascript", "identity", 1000)],
  };
  const [perPage, perFile] = pageWeightTables(pages);
  deepEqual(perPage.rows[0], ["/", "2", "2,000", "1,350", "2,000", "300"]);
  equal(perFile.rows[1][3], "1,000 (sent identity)");
  const results = run();
  results.servers[0].pages = pages;
  const widget = () => targets(results).find(([t]) => t.startsWith("widget.js"));
  deepEqual(widget(), ["widget.js ≤ 10 KB gzip", "not served yet", "not measured"]);
  pages.assets.push(asset("/widget.js", "text/javascript", "gzip", 12_000));
  deepEqual(widget(), ["widget.js ≤ 10 KB gzip", "12 KB", "MISSED"]);
});

Deno.test("[bench] docs page - names the command, the date, the machine and links the JSON", () => {
  const page = benchmarksPage(run(), "docs/bench/2026-12-01.json");
  equal(page.includes("deno task bench --save"), true);
  equal(page.includes("Run on 2026-12-01"), true);
  equal(page.includes("2 cores (nproc), 24 GiB"), true);
  equal(page.includes("(bench/2026-12-01.json)"), true);
  equal(page.includes("centrifugo: 3012×2"), true);
  equal(page.includes("Read these figures with care"), false);
});

Deno.test("[bench] table - markdown escapes pipes, text pads columns", () => {
  const t = { title: "T", head: ["a", "b"], rows: [["x|y", "1"]] };
  equal(renderTable(t, true).split("\n")[4], "| x\\|y | 1 |");
  equal(renderTable(t, false).split("\n")[3], "x|y  1");
});
