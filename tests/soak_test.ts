/**
 * The short soak (about a minute) that CI runs: three processes on FerretDB and Redis, mixed load,
 * random reconnects, a process SIGKILLed and restarted, the database paused. Nothing may be lost or
 * doubled. The long run is `deno run -A scripts/soak.ts --duration=30m` (see README).
 */
import { deepEqual, equal } from "node:assert/strict";
import { runSoak } from "@/scripts/soak.ts";

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
  const counts = { ...result, events: undefined };
  const report = `${JSON.stringify(counts)}\n${lines.join("\n")}`;
  equal(result.lost, 0, report);
  equal(result.doubled, 0, report);
  deepEqual({ gaps: result.gaps, undelivered: result.undelivered, unacked: result.unacked }, {
    gaps: 0,
    undelivered: 0,
    unacked: 0,
  }, report);
  equal(result.stored, result.sent, report);
});
