/**
 * SPEC.md: one client address cannot raise the server's resident memory by more than 256 MiB,
 * whatever it sends. Crossed on what `deno task start` runs (the ws transport) with the attack of
 * issue 10: one guest, 10 sockets from one address, a 60 MB text frame on each at once
 * (scripts/frame_memory.ts; the figures of both transports are in docs/limits.md, "Memory").
 */
import * as assert from "node:assert/strict";
import { frameMemory } from "@/scripts/frame_memory.ts";

Deno.test("[limits] memory - 10 sockets × 60 MB from one address raise RSS by under 256 MiB", async () => {
  const r = await frameMemory({ sockets: 10, mb: 60, transport: "ws" });
  console.log(`RSS ${r.baselineMiB.toFixed(0)} → ${r.peakMiB.toFixed(0)} MiB; ${[...r.outcomes].join("; ")}`);
  // Every socket was refused, none left waiting.
  assert.equal([...r.outcomes.keys()].every((o) => o.startsWith("closed")), true);
  assert.ok(r.riseMiB < 256, `RSS rose by ${r.riseMiB.toFixed(0)} MiB`);
});
