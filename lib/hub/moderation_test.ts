import assert from "node:assert/strict";
import { MemberStates, STATE_TTL_MS } from "./moderation.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { until } from "@/tests/support/hub.ts";

Deno.test("[hub_moderation] states - an old state is answered at once and read again behind it", async () => {
  const store = await openKvStore(":memory:");
  let now = 1_000;
  const states = new MemberStates(store, () => now);
  try {
    assert.equal(states.peek("r1", "u1"), undefined, "never read: the caller must read it");
    assert.equal(await states.get("r1", "u1"), null);
    await store.setMemberState("r1", "u1", "muted");
    assert.equal(states.peek("r1", "u1"), null, "fresh: the copy is trusted");
    now += STATE_TTL_MS + 1;
    // Past its time: still answered without a wait, and the store is read behind it.
    assert.equal(states.peek("r1", "u1"), null);
    await until(() => states.peek("r1", "u1") === "muted");
  } finally {
    await store.close();
  }
});
