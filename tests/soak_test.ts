/**
 * The short soaks (about a minute each) that CI runs: three processes on FerretDB and Redis, and one
 * `deno task start` on Deno KV acking from its journal; mixed load, random reconnects, a process
 * SIGKILLed and restarted, the database (with KV: the server) paused. Nothing may be lost or doubled.
 * The long run is `deno run -A scripts/soak.ts --duration=30m` (see README).
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { runSoak, type SoakResult } from "@/scripts/soak.ts";

/** Nothing lost, doubled, skipped, undelivered or left unacknowledged; the run's log on failure. */
function assertClean(result: SoakResult, lines: string[]): string {
  const report = `${JSON.stringify({ ...result, events: undefined })}\n${lines.join("\n")}`;
  equal(result.lost, 0, report);
  equal(result.doubled, 0, report);
  deepEqual({ gaps: result.gaps, undelivered: result.undelivered, unacked: result.unacked }, {
    gaps: 0,
    undelivered: 0,
    unacked: 0,
  }, report);
  equal(result.stored, result.sent, report);
  return report;
}

Deno.test("[soak] 45 s of faults under load - nothing lost, nothing doubled", async () => {
  const lines: string[] = [];
  const result = await runSoak({
    durationMs: 45_000,
    processes: 3,
    clients: 9,
    rooms: 3,
    rate: 20,
    log: (line) => lines.push(line),
  });
  assertClean(result, lines);
});

Deno.test("[soak] KV: 45 s of kills and stalls of the one process - nothing lost, nothing doubled", async () => {
  const lines: string[] = [];
  const result = await runSoak({
    durationMs: 45_000,
    processes: 1,
    clients: 9,
    rooms: 3,
    rate: 20,
    store: "kv",
    log: (line) => lines.push(line),
  });
  const report = assertClean(result, lines);
  ok(result.events.some((e) => e.includes("SIGKILL")), report);
});
