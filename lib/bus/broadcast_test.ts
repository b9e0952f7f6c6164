import { equal } from "node:assert/strict";
import { createBroadcastBus } from "@/lib/bus/broadcast.ts";
import { busContract } from "@/lib/bus/contract.ts";

// Two channels of one name in one isolate model two isolates; a fresh name isolates each test.
busContract("broadcast", { lossless: false }, () => {
  const name = `parley-test-${crypto.randomUUID()}`;
  return Promise.resolve({ a: createBroadcastBus(name), b: createBroadcastBus(name) });
});

Deno.test("[bus:broadcast] publish - after close is counted as dropped", async () => {
  const bus = createBroadcastBus(`parley-test-${crypto.randomUUID()}`);
  await bus.close();
  bus.publish({ t: "sync", node: "n" });
  equal(bus.dropped, 1);
  equal(bus.healthy(), true);
});

Deno.test("[bus:broadcast] publish - an uncloneable event is dropped, not thrown", async () => {
  const bus = createBroadcastBus(`parley-test-${crypto.randomUUID()}`);
  try {
    bus.publish({ t: "sync", node: (() => {}) as unknown as string });
    equal(bus.dropped, 1);
  } finally {
    await bus.close();
  }
});
