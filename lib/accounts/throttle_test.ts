import assert from "node:assert/strict";
import { HttpError } from "@/lib/web/errors.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import type { Store } from "@/lib/store/types.ts";
import { enforce, Throttle } from "@/lib/accounts/throttle.ts";

const MINUTE = 60_000;

/** A store and a clock set 15 s into a fresh one-minute window (near real time). */
function withClock(fn: (store: Store, clock: { t: number }, windowStart: number) => Promise<void>) {
  return async () => {
    const store = await openKvStore(":memory:");
    const windowStart = Math.floor(Date.now() / MINUTE) * MINUTE;
    const clock = { t: windowStart + 15_000 };
    try {
      await fn(store, clock, windowStart);
    } finally {
      await store.close();
    }
  };
}

Deno.test(
  "[throttle] hit - allows `limit` hits per window, then the seconds left in the window",
  withClock(async (store, clock) => {
    const throttle = new Throttle(store, "test", 3, MINUTE, () => clock.t);
    for (let i = 0; i < 3; i++) assert.equal(await throttle.hit("1.2.3.4"), 0);
    assert.equal(await throttle.hit("1.2.3.4"), 45);
    clock.t += 44_500;
    assert.equal(await throttle.hit("1.2.3.4"), 1);
    assert.equal(await throttle.hit("5.6.7.8"), 0, "another key has its own count");
  }),
);

Deno.test(
  "[throttle] window - the next window counts from zero again",
  withClock(async (store, clock, windowStart) => {
    const throttle = new Throttle(store, "test", 2, MINUTE, () => clock.t);
    await throttle.hit("k");
    await throttle.hit("k");
    assert.ok(await throttle.hit("k") > 0);
    clock.t = windowStart + MINUTE - 1;
    assert.equal(await throttle.peek("k"), 1);
    clock.t = windowStart + MINUTE;
    assert.equal(await throttle.peek("k"), 0);
    assert.equal(await throttle.hit("k"), 0);
    assert.equal(await throttle.hit("k"), 0);
    assert.equal(await throttle.hit("k"), 60);
  }),
);

Deno.test(
  "[throttle] peek - reports without counting; reset forgets the key",
  withClock(async (store, clock) => {
    const throttle = new Throttle(store, "test", 2, MINUTE, () => clock.t);
    for (let i = 0; i < 5; i++) assert.equal(await throttle.peek("mina"), 0);
    await throttle.hit("mina");
    assert.equal(await throttle.peek("mina"), 0);
    await throttle.hit("mina");
    assert.equal(await throttle.peek("mina"), 45);
    await throttle.reset("mina");
    assert.equal(await throttle.peek("mina"), 0);
    assert.equal(await throttle.hit("mina"), 0);
  }),
);

Deno.test(
  "[throttle] store - throttles of one scope share counts (isolates), other scopes do not",
  withClock(async (store, clock) => {
    const isolateA = new Throttle(store, "login", 3, MINUTE, () => clock.t);
    const isolateB = new Throttle(store, "login", 3, MINUTE, () => clock.t);
    const other = new Throttle(store, "guest", 3, MINUTE, () => clock.t);
    assert.deepEqual(
      [await isolateA.hit("k"), await isolateB.hit("k"), await isolateA.hit("k"), await isolateB.hit("k")],
      [0, 0, 0, 45],
    );
    assert.equal(await other.hit("k"), 0);
    // Racing hits are counted exactly: 3 of 10 pass.
    const fresh = new Throttle(store, "race", 3, MINUTE, () => clock.t);
    const waits = await Promise.all(Array.from({ length: 10 }, () => fresh.hit("k")));
    assert.equal(waits.filter((w) => w === 0).length, 3);
  }),
);

Deno.test(
  "[throttle] enforce - throws 429 rate_limited with Retry-After past the limit",
  withClock(async (store, clock) => {
    const throttle = new Throttle(store, "test", 1, MINUTE, () => clock.t);
    await enforce(throttle, "k", "Slow down");
    await assert.rejects(enforce(throttle, "k", "Slow down"), (error: unknown) => {
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 429);
      assert.equal(error.code, "rate_limited");
      assert.equal(error.message, "Slow down");
      assert.deepEqual(error.headers, { "Retry-After": "45" });
      return true;
    });
  }),
);
