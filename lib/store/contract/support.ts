/**
 * The support part of the store contract: `updateSupport` with a precondition is a compare-and-set,
 * so two counselors claiming one conversation at the same instant never both win.
 */
import { StoreConflictError } from "@/lib/store/errors.ts";
import assert from "node:assert/strict";
import type { Store, SupportConversation } from "../types.ts";
import {
  assertStoreError,
  type ContractOptions,
  type ContractTest,
  randomSupport,
  randomUserRef,
} from "./data.ts";

/** A claim as lib/support/support.ts makes it: only from the state and counselor that were read. */
function claim(store: Store, seen: SupportConversation) {
  const counselor = randomUserRef("counselor");
  return {
    counselor,
    result: store.updateSupport(seen.room, { state: "active", counselor }, {
      state: seen.state,
      counselorId: seen.counselor?.id ?? null,
    }),
  };
}

/** Runs the claims at once; exactly one must win, and the stored conversation must be the winner's. */
async function assertOneWinner(stores: Store[], seen: SupportConversation): Promise<void> {
  const claims = stores.map((store) => claim(store, seen));
  const settled = await Promise.allSettled(claims.map((c) => c.result));
  const won = settled.flatMap((s, i) => (s.status === "fulfilled" ? [claims[i].counselor] : []));
  assert.equal(won.length, 1, `expected one winner, got ${won.length}`);
  for (const s of settled) {
    if (s.status === "rejected") {
      await assertStoreError(Promise.reject(s.reason), StoreConflictError, "support_changed");
    }
  }
  const stored = await stores[0].getSupport(seen.room);
  assert.equal(stored?.state, "active");
  assert.deepEqual(stored?.counselor, won[0]);
}

/** Registers the support compare-and-set tests. */
export function registerSupportContract(test: ContractTest, options: ContractOptions): void {
  test("updateSupport - keeps the widget's offline flag and contact, and lifts the flag", async (store) => {
    const user = randomUserRef();
    const conv = await store.getOrCreateSupport(user, randomSupport(user));
    const contact = { email: "visitor@example.com", page: "https://shop.example/pricing", locale: "ko" };
    await store.updateSupport(conv.room, { offline: true });
    await store.updateSupport(conv.room, { contact });
    let stored = await store.getSupport(conv.room);
    assert.equal(stored?.offline, true);
    assert.deepEqual(stored?.contact, contact);
    assert.equal(stored?.state, conv.state, "other fields stay as they were");
    await store.updateSupport(conv.room, { offline: false });
    stored = (await store.listSupport()).find((c) => c.room === conv.room) ?? null;
    assert.equal(stored?.offline, false);
    assert.deepEqual(stored?.contact, contact);
  });
  test("updateSupport - a precondition that holds writes; one that fails writes nothing (409)", async (store) => {
    const user = randomUserRef();
    const conv = await store.getOrCreateSupport(user, randomSupport(user));
    const mina = randomUserRef("counselor");
    const claimed = await store.updateSupport(conv.room, { state: "active", counselor: mina }, {
      state: "waiting",
      counselorId: null,
    });
    assert.deepEqual(claimed?.counselor, mina);
    await assertStoreError(
      store.updateSupport(conv.room, { state: "active", counselor: randomUserRef("counselor") }, {
        counselorId: null,
      }),
      StoreConflictError,
      "support_changed",
    );
    await assertStoreError(
      store.updateSupport(conv.room, { state: "closed" }, { state: "waiting" }),
      StoreConflictError,
      "support_changed",
    );
    assert.deepEqual(await store.getSupport(conv.room), claimed);
    // Matching on the counselor alone, or on both, lets the write through.
    const closed = await store.updateSupport(conv.room, { state: "closed" }, {
      state: "active",
      counselorId: mina.id,
    });
    assert.equal(closed?.state, "closed");
    assert.equal(await store.updateSupport("nope", { state: "closed" }, { state: "waiting" }), null);
  });

  test("updateSupport - two claims of one waiting conversation at once: exactly one wins", async (store) => {
    for (let round = 0; round < 5; round++) {
      const user = randomUserRef();
      const conv = await store.getOrCreateSupport(user, randomSupport(user));
      await assertOneWinner([store, store], conv);
    }
  });

  if (options.twin) {
    const twin = options.twin;
    test("updateSupport - two claims from two store instances at once: exactly one wins", async (store) => {
      const other = await twin(store);
      try {
        for (let round = 0; round < 5; round++) {
          const user = randomUserRef();
          const conv = await store.getOrCreateSupport(user, randomSupport(user));
          await assertOneWinner([store, other], conv);
        }
      } finally {
        await other.close();
      }
    });
  }
}
