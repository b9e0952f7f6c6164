import assert from "node:assert/strict";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { loadCatalog, parseCatalog } from "./load_programs.ts";
import { programStatus } from "@/lib/shared/program_view.ts";

const sample = new URL("./data/programs.json", import.meta.url);

Deno.test("[load_programs] parseCatalog - gives each record its starting line", () => {
  const text = '[\n  {"id": "a"},\n\n  {"id": "b",\n   "title": "x]"},\n  {"id": "c"}\n]\n';
  assert.deepEqual(parseCatalog(text).map((r) => r.line), [2, 4, 6]);
  assert.deepEqual(parseCatalog("[]"), []);
});

Deno.test("[load_programs] parseCatalog - says where a file is not JSON", () => {
  assert.throws(() => parseCatalog('[\n{"id": "a"},\n{"id": }\n]'), /not valid JSON/);
  assert.throws(() => parseCatalog('{"id": "a"}'), /must be a JSON array/);
});

Deno.test("[load_programs] sample catalog - at least 30 valid programs, Korean and English, a mix of states", async () => {
  const records = parseCatalog(await Deno.readTextFile(sample));
  assert.ok(records.length >= 30);
  const store = await openKvStore(":memory:");
  try {
    const report = await loadCatalog(store, await Deno.readTextFile(sample));
    assert.deepEqual(report.bad, []);
    const all = (await store.searchPrograms({ status: "all", limit: 100, now: new Date() })).programs;
    assert.equal(all.length, records.length);
    assert.ok(all.some((p) => /[가-힣]/.test(p.title)) && all.some((p) => /^[A-Za-z]/.test(p.title)));
    // Stays a mix for a while after 2026-11-22.
    for (const day of ["2026-11-22", "2027-06-01", "2027-10-01"]) {
      const phases = new Set(all.map((p) => programStatus(p, new Date(`${day}T12:00:00Z`))));
      assert.deepEqual([...phases].sort(), ["ended", "running", "upcoming"], day);
    }
  } finally {
    await store.close();
  }
});

Deno.test("[load_programs] loadCatalog - reports bad records by line, loads the rest, is idempotent", async () => {
  const text = [
    "[",
    '  {"id":"ok-1","title":"Good","startsAt":"2027-01-01T00:00:00Z","endsAt":"2027-02-01T00:00:00Z","price":0,"currency":"KRW","url":"https://x.example/1"},',
    '  {"id":"bad-price","title":"Bad","startsAt":"2027-01-01T00:00:00Z","endsAt":"2027-02-01T00:00:00Z","price":-5,"currency":"KRW","url":"https://x.example/2"},',
    '  {"id":"ok-1","title":"Again","startsAt":"2027-01-01T00:00:00Z","endsAt":"2027-02-01T00:00:00Z","price":0,"currency":"KRW","url":"https://x.example/3"},',
    '  {"id":"bad-url","title":"Bad","startsAt":"2027-01-01T00:00:00Z","endsAt":"2027-02-01T00:00:00Z","price":1,"currency":"KRW","url":"ftp://x"}',
    "]",
  ].join("\n");
  const store = await openKvStore(":memory:");
  try {
    const first = await loadCatalog(store, text);
    assert.equal(first.changed, 1);
    assert.deepEqual(first.bad.map((b) => b.line), [3, 4, 5]);
    assert.match(first.bad[0].error, /^price:/);
    assert.match(first.bad[1].error, /already used on line 2/);
    assert.match(first.bad[2].error, /^url:/);
    const second = await loadCatalog(store, text, new Date(Date.now() + 60_000));
    assert.equal(second.changed, 0);
    assert.equal(second.unchanged, 1);
  } finally {
    await store.close();
  }
});
