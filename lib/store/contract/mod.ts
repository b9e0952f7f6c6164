/**
 * The contract every Store implementation is held to. `kv_test.ts` and `mongo_test.ts` register it
 * against their store; a behaviour belongs here when the app relies on it.
 */
import { StoreConflictError } from "@/lib/store/errors.ts";
import assert from "node:assert/strict";
import type { Store } from "../types.ts";
import {
  assertStoreError,
  clockPast,
  type ContractOptions,
  type ContractTest,
  randomId,
  randomSupport,
  randomUser,
  randomUserRef,
} from "./data.ts";
import { registerMessageContract } from "./messages.ts";
import { registerBatchContract } from "./batch.ts";
import { registerProgramContract } from "./programs.ts";
import { registerSupportContract } from "./support.ts";
import { registerCounterContract } from "./counters.ts";
import { registerChangeContract } from "./changes.ts";
import { registerToolsContract } from "./tools.ts";
import { registerRoomContract } from "./rooms.ts";
import { registerOutboxContract } from "./outbox.ts";

export * from "./data.ts";
export { assertGapFreeAppends } from "./messages.ts";

/**
 * Registers the contract suite for one store implementation.
 *
 * @example
 * storeContract("kv", () => openKvStore(":memory:"));
 */
export function storeContract(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  const test: ContractTest = (subject, fn) =>
    Deno.test({
      ...options.testOptions,
      name: `[store:${name}] ${subject}`,
      async fn() {
        const store = await open();
        try {
          await fn(store);
        } finally {
          await store.close();
        }
      },
    });

  registerRoomContract(test);
  registerMessageContract(test, options);
  registerBatchContract(test);

  test("sessions - put, get and delete", async (store) => {
    const session = {
      id: randomId("s"),
      userId: "u1",
      name: "Alice",
      role: "guest" as const,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    await store.putSession(session);
    assert.deepEqual(await store.getSession(session.id), session);
    await store.deleteSession(session.id);
    assert.equal(await store.getSession(session.id), null);
    await store.deleteSession(session.id);
  });

  test("setUserRole - changes the role in every live session of the user, and only theirs", async (store) => {
    const user = randomUser({ role: "user" });
    await store.createUser(user);
    const session = (id: string, userId: string) => ({
      id,
      userId,
      name: "Alice",
      role: "user" as const,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const mine = [session(randomId("s"), user.id), session(randomId("s"), user.id)];
    const other = session(randomId("s"), randomId("u"));
    for (const s of [...mine, other]) await store.putSession(s);
    await store.setUserRole(user.id, "counselor");
    for (const s of mine) assert.deepEqual(await store.getSession(s.id), { ...s, role: "counselor" });
    assert.deepEqual(await store.getSession(other.id), other);
    assert.equal((await store.getUser(user.id))?.role, "counselor");
  });

  test("endSessionsOf - deletes every session of the user but the one kept, and says which", async (store) => {
    const session = (userId: string) => ({
      id: randomId("s"),
      userId,
      name: "Alice",
      role: "user" as const,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const user = randomId("u");
    const [kept, a, b] = [session(user), session(user), session(user)];
    const other = session(randomId("u"));
    for (const s of [kept, a, b, other]) await store.putSession(s);
    assert.deepEqual((await store.endSessionsOf(user, kept.id)).sort(), [a.id, b.id].sort());
    assert.equal(await store.getSession(a.id), null);
    assert.equal(await store.getSession(b.id), null);
    assert.deepEqual(await store.getSession(kept.id), kept);
    assert.deepEqual(await store.getSession(other.id), other);
    assert.deepEqual(await store.endSessionsOf(user), [kept.id]);
    assert.equal(await store.getSession(kept.id), null);
  });

  test("users - unique without regard to case (username_taken)", async (store) => {
    const user = randomUser({ username: "Alice_Kim" });
    await store.createUser(user);
    assert.deepEqual(await store.getUser(user.id), user);
    assert.deepEqual(await store.getUserByUsername("alice_kim"), user);
    assert.deepEqual(await store.getUserByUsername("ALICE_KIM"), user);
    assert.equal(await store.getUserByUsername("alice"), null);
    await assertStoreError(
      store.createUser(randomUser({ username: "ALICE_kim" })),
      StoreConflictError,
      "username_taken",
    );
    await store.setUserRole(user.id, "counselor");
    await store.setUserPassword(user.id, "new-hash");
    assert.deepEqual(await store.getUser(user.id), { ...user, role: "counselor", passwordHash: "new-hash" });
    assert.equal(await store.getUser("nope"), null);
  });

  registerProgramContract(test);

  test("getOrCreateSupport - one conversation per user, the same on later calls", async (store) => {
    const user = randomUserRef();
    const first = await store.getOrCreateSupport(user, randomSupport(user));
    assert.equal(first.state, "waiting");
    assert.deepEqual(first.user, user);
    assert.equal((await store.getRoom(first.room))?.visibility, "support");
    let called = false;
    const again = await store.getOrCreateSupport(user, () => {
      called = true;
      return randomSupport(user)();
    });
    assert.deepEqual(again, first);
    assert.equal(called, false);
    assert.deepEqual(await store.getSupport(first.room), first);
    assert.equal(await store.getSupport("nope"), null);
  });

  test("getOrCreateSupport - racing first calls make one conversation", async (store) => {
    const user = randomUserRef();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.getOrCreateSupport(user, randomSupport(user))),
    );
    assert.equal(new Set(results.map((c) => c.room)).size, 1);
    assert.equal((await store.listSupport()).length, 1);
  });

  test("listSupport - filters by state; updateSupport patches", async (store) => {
    const users = [randomUserRef(), randomUserRef(), randomUserRef()];
    const convs = [];
    for (const user of users) {
      const conv = await store.getOrCreateSupport(user, randomSupport(user));
      convs.push(conv);
      // The queue is oldest first: the next one is made once the clock has passed this one's time.
      await clockPast(Date.parse(conv.createdAt));
    }
    const counselor = randomUserRef("counselor");
    const claimed = await store.updateSupport(convs[1].room, { state: "active", counselor });
    assert.equal(claimed?.state, "active");
    assert.deepEqual(claimed?.counselor, counselor);
    assert.ok(claimed && claimed.updatedAt >= convs[1].updatedAt);
    assert.deepEqual(await store.getSupport(convs[1].room), claimed);
    await store.updateSupport(convs[2].room, { state: "closed" });
    assert.deepEqual((await store.listSupport("waiting")).map((c) => c.room), [convs[0].room]);
    assert.deepEqual((await store.listSupport("active")).map((c) => c.room), [convs[1].room]);
    assert.deepEqual((await store.listSupport("closed")).map((c) => c.room), [convs[2].room]);
    assert.deepEqual((await store.listSupport()).map((c) => c.room), convs.map((c) => c.room));
    assert.equal(await store.updateSupport("nope", { state: "closed" }), null);
  });

  registerSupportContract(test, options);

  test("readMarks - 0 until set, then the highest seq set", async (store) => {
    assert.equal(await store.getReadMark("r1", "u1"), 0);
    await store.setReadMark("r1", "u1", 5);
    await store.setReadMark("r1", "u1", 3);
    assert.equal(await store.getReadMark("r1", "u1"), 5);
    await store.setReadMark("r1", "u1", 9);
    assert.equal(await store.getReadMark("r1", "u1"), 9);
    assert.equal(await store.getReadMark("r1", "u2"), 0);
    assert.equal(await store.getReadMark("r2", "u1"), 0);
  });

  registerCounterContract(test, options);
  registerChangeContract(test, options);
  registerToolsContract(test);
  registerOutboxContract(test, options);

  test("ping - succeeds on a reachable store", async (store) => {
    await store.ping();
  });
}
