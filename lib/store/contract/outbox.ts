/**
 * The outbox part of the store contract: mail waiting for the SMTP server is in the store, so it
 * survives a restart, and a claim leases it, so two processes never send one mail at the same moment.
 * Every case passes its own `now`, so leases run out without waiting.
 */
import assert from "node:assert/strict";
import type { Mail, QueuedMail } from "../outbox.ts";
import type { Store } from "../types.ts";
import { type ContractOptions, type ContractTest, randomId } from "./data.ts";

const LEASE_MS = 60_000;

function randomMail(): Mail {
  return { to: `${randomId("v")}@example.com`, subject: "Re: your question", text: `Reply ${randomId()}` };
}

/** What a claim gave, its lease aside (a token each store makes its own way). */
const withoutLease = (claimed: QueuedMail[]) =>
  claimed.map(({ id, mail, attempts }) => ({ id, mail, attempts }));

/** Enqueues `n` mails; their ids, sorted. */
async function enqueueMany(store: Store, n: number): Promise<string[]> {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push(await store.enqueueMail(randomMail()));
  return ids.sort();
}

export function registerOutboxContract(test: ContractTest, options: ContractOptions): void {
  test("outbox - enqueue, claim and finish: the mail comes back as written, then is gone", async (store) => {
    const mail = randomMail();
    const id = await store.enqueueMail(mail);
    const now = Date.now();
    assert.deepEqual(withoutLease(await store.claimDueMail(now, LEASE_MS, 10)), [{ id, mail, attempts: 0 }]);
    await store.finishMail(id);
    assert.deepEqual(await store.claimDueMail(now + 10 * LEASE_MS, LEASE_MS, 10), []);
    // Finishing again (a resend after a crash) is fine.
    await store.finishMail(id);
  });

  test("outbox - a claimed mail is not claimed again within its lease", async (store) => {
    const id = await store.enqueueMail(randomMail());
    const now = Date.now();
    assert.deepEqual((await store.claimDueMail(now, LEASE_MS, 10)).map((m) => m.id), [id]);
    assert.deepEqual(await store.claimDueMail(now, LEASE_MS, 10), []);
    assert.deepEqual(await store.claimDueMail(now + LEASE_MS - 1, LEASE_MS, 10), []);
  });

  test("outbox - after its lease a mail is claimable again (its holder died)", async (store) => {
    const id = await store.enqueueMail(randomMail());
    const now = Date.now();
    await store.claimDueMail(now, LEASE_MS, 10);
    const later = now + LEASE_MS;
    assert.deepEqual((await store.claimDueMail(later, LEASE_MS, 10)).map((m) => m.id), [id]);
    // Leased to the second claimer now.
    assert.deepEqual(await store.claimDueMail(later + 1, LEASE_MS, 10), []);
  });

  test("outbox - retryMail ends the lease: due at nextAt, not before, with the attempts counted", async (store) => {
    const mail = randomMail();
    const id = await store.enqueueMail(mail);
    const now = Date.now();
    const [{ lease }] = await store.claimDueMail(now, LEASE_MS, 10);
    await store.retryMail(id, lease, now + 1_000, 1);
    assert.deepEqual(await store.claimDueMail(now + 999, LEASE_MS, 10), []);
    assert.deepEqual(withoutLease(await store.claimDueMail(now + 1_000, LEASE_MS, 10)), [
      { id, mail, attempts: 1 },
    ]);
  });

  test("outbox - a holder past its lease cannot retry the mail under the next holder's lease", async (store) => {
    const mail = randomMail();
    const id = await store.enqueueMail(mail);
    const now = Date.now();
    const [stale] = await store.claimDueMail(now, LEASE_MS, 10);
    const later = now + LEASE_MS;
    const [current] = await store.claimDueMail(later, LEASE_MS, 10);
    assert.equal(current.id, id);
    assert.notEqual(current.lease, stale.lease);
    // The first holder comes back late and asks for a retry at once: the second still holds the mail.
    await store.retryMail(id, stale.lease, later, 1);
    assert.deepEqual(await store.claimDueMail(later + 1, LEASE_MS, 10), []);
    // Its own retry still works, with its attempts.
    await store.retryMail(id, current.lease, later + 2, 1);
    assert.deepEqual(withoutLease(await store.claimDueMail(later + 2, LEASE_MS, 10)), [
      { id, mail, attempts: 1 },
    ]);
  });

  test("outbox - a claim takes at most `limit`, earliest due first", async (store) => {
    const ids = await enqueueMany(store, 3);
    const now = Date.now();
    const first = await store.claimDueMail(now, LEASE_MS, 2);
    assert.equal(first.length, 2);
    const rest = await store.claimDueMail(now, LEASE_MS, 2);
    assert.deepEqual([...first, ...rest].map((m) => m.id).sort(), ids);
  });

  const concurrentClaims = async (stores: Store[]) => {
    const ids = await enqueueMany(stores[0], 20);
    const now = Date.now();
    const batches = await Promise.all(stores.map((s) => s.claimDueMail(now, LEASE_MS, 4)));
    const claimed = batches.flat().map((m) => m.id);
    assert.equal(new Set(claimed).size, claimed.length, "a mail was claimed twice");
    // Whatever a lost race left is claimed afterwards, each once.
    for (let rest; (rest = await stores[0].claimDueMail(now, LEASE_MS, 20)).length > 0;) {
      claimed.push(...rest.map((m) => m.id));
    }
    assert.deepEqual(claimed.sort(), ids);
  };

  test("outbox - concurrent claims never get the same mail", async (store) => {
    await concurrentClaims(Array(8).fill(store));
  });

  if (options.twin) {
    const twin = options.twin;
    test("outbox - concurrent claims from two stores on the same data never get the same mail", async (store) => {
      const other = await twin(store);
      try {
        await concurrentClaims(Array.from({ length: 8 }, (_, i) => (i % 2 ? other : store)));
      } finally {
        await other.close();
      }
    });
  }
}
