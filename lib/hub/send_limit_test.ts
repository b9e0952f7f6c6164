import assert from "node:assert/strict";
import { SendLimit } from "@/lib/hub/send_limit.ts";
import { Deadlines } from "@/lib/hub/deadlines.ts";

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

Deno.test("[send_limit] take - one budget per user, whatever the socket", () => {
  const c = clock();
  const limit = new SendLimit({ burst: 3, perSecond: 1, now: c.now });
  assert.deepEqual([1, 2, 3, 4].map(() => limit.take("u1")), ["ok", "ok", "ok", "limited"]);
  assert.equal(limit.take("u2"), "ok", "another user has a budget of their own");
  c.advance(1_000);
  assert.deepEqual([limit.take("u1"), limit.take("u1")], ["ok", "limited"]);
});

Deno.test("[send_limit] charge - messages another node stored spend the author's tokens here", () => {
  const c = clock();
  const limit = new SendLimit({ burst: 3, perSecond: 1, now: c.now });
  limit.charge({ kind: "text", author: "u1" });
  limit.charge({ kind: "text", author: { id: "u1" } });
  limit.charge({ kind: "system", author: "u1" }); // a system line is nobody's send
  assert.deepEqual([limit.take("u1"), limit.take("u1")], ["ok", "limited"]);
  // Owed past zero (two nodes spent at once) is paid back by the refill before the next send.
  for (let i = 0; i < 5; i++) limit.charge({ kind: "text", author: "u2" });
  c.advance(2_000);
  assert.equal(limit.take("u2"), "limited");
  c.advance(2_000);
  assert.equal(limit.take("u2"), "ok");
});

Deno.test("[deadlines] add - expires what is not done in time, with one timer for all", async () => {
  const deadlines = new Deadlines(40);
  try {
    const expired: string[] = [];
    const doneA = deadlines.add(() => expired.push("a"));
    deadlines.add(() => expired.push("b"));
    doneA();
    await new Promise<void>((resolve) => deadlines.add(() => (expired.push("c"), resolve())));
    assert.deepEqual(expired, ["b", "c"]);
  } finally {
    deadlines.stop();
  }
});
