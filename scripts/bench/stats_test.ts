import { equal } from "node:assert/strict";
import { Histogram, summarize } from "./stats.ts";

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

Deno.test("[bench] histogram - an empty one has no quantile", () => {
  equal(Number.isNaN(new Histogram().quantile(0.5)), true);
});

Deno.test("[bench] summarize - p50 and p99 of plain samples", () => {
  const s = summarize(Array.from({ length: 100 }, (_, i) => 100 - i));
  equal(s.p50, 50);
  equal(s.p99, 99);
  equal(s.max, 100);
});
