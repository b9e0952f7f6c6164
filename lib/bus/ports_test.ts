import { deepEqual, equal } from "node:assert/strict";
import { createPortsBus, portMesh } from "@/lib/bus/ports.ts";
import { busContract, waitFor } from "@/lib/bus/contract.ts";
import type { BusEvent } from "@/lib/bus/types.ts";

// Two nodes joined by one MessageChannel, as two workers of lib/ops/server.ts are.
busContract("ports", { lossless: true }, () => {
  const [a, b] = portMesh(2);
  return Promise.resolve({ a: createPortsBus(a), b: createPortsBus(b) });
});

Deno.test("[bus:ports] portMesh - each of three nodes hears the other two once, never itself", async () => {
  const buses = portMesh(3).map(createPortsBus);
  const got: BusEvent[][] = buses.map(() => []);
  buses.forEach((bus, i) => bus.subscribe((e) => got[i].push(e)));
  try {
    buses.forEach((bus, i) => bus.publish({ t: "sync", node: `n${i}` }));
    await waitFor(() => got.every((g) => g.length === 2), 3000, "two events on every node");
    const nodes = got.map((g) => g.map((e) => (e as { node: string }).node).sort());
    deepEqual(nodes, [["n1", "n2"], ["n0", "n2"], ["n0", "n1"]]);
  } finally {
    for (const bus of buses) await bus.close();
  }
});

Deno.test("[bus:ports] publish - after close, or uncloneable, is counted as dropped", async () => {
  const [a, b] = portMesh(2).map(createPortsBus);
  a.publish({ t: "sync", node: (() => {}) as unknown as string });
  equal(a.dropped, 1);
  await a.close();
  a.publish({ t: "sync", node: "n" });
  equal(a.dropped, 2);
  await b.close();
});
