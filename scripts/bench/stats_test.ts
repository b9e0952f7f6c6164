import { equal } from "node:assert/strict";
import { Histogram, summarize } from "./stats.ts";
import { renderMarkdown, type Results } from "./report.ts";

Deno.test("[bench] histogram - quantiles survive a merge across processes", () => {
  const a = new Histogram(), b = new Histogram();
  for (let i = 1; i <= 50; i++) a.add(i);
  for (let i = 51; i <= 100; i++) b.add(i);
  const merged = new Histogram();
  merged.merge(a.toJSON());
  merged.merge(JSON.parse(JSON.stringify(b)));
  equal(merged.total, 100);
  equal(Math.round(merged.quantile(0.5)), 50);
  equal(Math.round(merged.quantile(0.99)), 99);
  equal(merged.max, 100);
});

Deno.test("[bench] summarize - p50 and p99 of plain samples", () => {
  const s = summarize(Array.from({ length: 100 }, (_, i) => 100 - i));
  equal(s.p50, 50);
  equal(s.p99, 99);
  equal(s.max, 100);
});

Deno.test("[bench] report - a missing peer shows as missing with its reason", () => {
  const results: Results = {
    date: "2025-01-01",
    command: "deno task bench",
    machine: { cpu: "cpu", cores: 2, memory: "24 GiB", os: "Linux", deno: "2" },
    generator: "test",
    servers: [{ kind: "centrifugo", status: "missing: go not found", readyMs: [], errors: {} }],
  };
  const md = renderMarkdown(results);
  equal(md.includes("centrifugo (missing: go not found)"), true);
});
