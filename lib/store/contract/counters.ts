/**
 * The counter part of the store contract: the fixed-window throttles of `lib/accounts/throttle.ts` count here,
 * so that a limit holds across isolates and processes. A bump is atomic (racing bumps never share a
 * count), an expired counter reads 0 and starts again, and a cleared one reads 0.
 */
import assert from "node:assert/strict";
import type { Store } from "../types.ts";
import { clockPast, type ContractOptions, type ContractTest, randomId } from "./data.ts";

/** Bumps `id` once per entry of `stores`, all at once; the counts sorted. */
async function bumpAtOnce(stores: Store[], id: string): Promise<number[]> {
  const expiresAt = Date.now() + 60_000;
  const counts = await Promise.all(stores.map((store) => store.bumpCounter(id, expiresAt)));
  return counts.sort((a, b) => a - b);
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function registerCounterContract(test: ContractTest, options: ContractOptions): void {
  test("counters - 0 until bumped; each bump returns the new count; ids are independent", async (store) => {
    const [a, b] = [randomId("ctr"), randomId("ctr")];
    const expiresAt = Date.now() + 60_000;
    assert.equal(await store.readCounter(a), 0);
    assert.equal(await store.bumpCounter(a, expiresAt), 1);
    assert.equal(await store.bumpCounter(a, expiresAt), 2);
    assert.equal(await store.bumpCounter(a, expiresAt), 3);
    assert.equal(await store.readCounter(a), 3);
    assert.equal(await store.readCounter(b), 0);
    assert.equal(await store.bumpCounter(b, expiresAt), 1);
    assert.equal(await store.readCounter(a), 3);
    // Ids that differ only in their separators stay apart.
    assert.equal(await store.readCounter(`${a}#1`), 0);
    assert.equal(await store.readCounter(`1:${a}`), 0);
  });

  test("counters - 50 concurrent bumps get the counts 1…50, each once", async (store) => {
    const id = randomId("ctr");
    assert.deepEqual(await bumpAtOnce(Array(50).fill(store), id), oneTo(50));
    assert.equal(await store.readCounter(id), 50);
    assert.equal(await store.bumpCounter(id, Date.now() + 60_000), 51);
  });

  if (options.twin) {
    const twin = options.twin;
    test("counters - concurrent bumps from two stores on the same data get 1…40, each once", async (store) => {
      const other = await twin(store);
      try {
        const id = randomId("ctr");
        const stores = Array.from({ length: 40 }, (_, i) => (i % 2 ? other : store));
        assert.deepEqual(await bumpAtOnce(stores, id), oneTo(40));
        assert.equal(await other.readCounter(id), 40);
      } finally {
        await other.close();
      }
    });
  }

  test("counters - an expired counter reads 0 and a bump starts it again at 1", async (store) => {
    const id = randomId("ctr");
    const expiresAt = Date.now() + 300;
    assert.equal(await store.bumpCounter(id, expiresAt), 1);
    // A live counter keeps the expiry it was made with.
    assert.equal(await store.bumpCounter(id, Date.now() + 60_000), 2);
    // Both stores judge expiry by the wall clock against `expiresAt`: wait for the clock to pass it.
    await clockPast(expiresAt);
    assert.equal(await store.readCounter(id), 0);
    assert.equal(await store.bumpCounter(id, Date.now() + 60_000), 1);
    assert.equal(await store.readCounter(id), 1);
  });

  test("counters - clear makes it 0; the next bump is 1; clearing nothing is fine", async (store) => {
    const [id, other] = [randomId("ctr"), randomId("ctr")];
    const expiresAt = Date.now() + 60_000;
    for (let i = 0; i < 4; i++) await store.bumpCounter(id, expiresAt);
    await store.bumpCounter(other, expiresAt);
    await store.clearCounter(id);
    assert.equal(await store.readCounter(id), 0);
    assert.equal(await store.readCounter(other), 1);
    assert.equal(await store.bumpCounter(id, expiresAt), 1);
    await store.clearCounter(randomId("ctr"));
  });

  test("counters - non-string ids are refused with a TypeError", async (store) => {
    const evil = { $gt: "" } as unknown as string;
    await assert.rejects(store.bumpCounter(evil, Date.now() + 1_000), TypeError);
    await assert.rejects(store.readCounter(evil), TypeError);
    await assert.rejects(store.clearCounter(evil), TypeError);
  });
}
