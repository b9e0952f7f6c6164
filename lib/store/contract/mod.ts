/**
 * The contract every Store implementation is held to. `kv_test.ts` and `mongo_test.ts` register it
 * against their store; a behaviour belongs here when the app relies on it.
 */
import { StoreConflictError } from "@/lib/store/errors.ts";
import assert from "node:assert/strict";
import type { Store } from "../types.ts";
import {
  assertStoreError,
  type ContractOptions,
  type ContractTest,
  createPublic,
  randomId,
  randomMessage,
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

  test("createRoom - returns the stored room with an id and lastSeq 0", async (store) => {
    const room = await store.createRoom({ name: "Lobby Chat", visibility: "public", ownerId: "u1" });
    assert.equal(typeof room.id, "string");
    assert.equal(room.lastSeq, 0);
    assert.equal(room.inviteCode, undefined);
    assert.ok(!Number.isNaN(Date.parse(room.createdAt)));
    assert.deepEqual(await store.getRoom(room.id), room);
    assert.equal(await store.getRoom("nope"), null);
  });

  test("createRoom - public names are unique without regard to case; private ones block nothing", async (store) => {
    await createPublic(store, "Coffee Talk");
    await assertStoreError(
      store.createRoom({ name: "coffee TALK", visibility: "public", ownerId: "x" }),
      StoreConflictError,
      "room_exists",
    );
    // A private room may share a public name, and its own name never blocks a public room.
    await store.createRoom({
      name: "coffee talk",
      visibility: "private",
      ownerId: "x",
      inviteCode: randomId(),
    });
    await store.createRoom({ name: "Tea Room", visibility: "private", ownerId: "x", inviteCode: randomId() });
    await store.createRoom({ name: "Tea Room", visibility: "private", ownerId: "y", inviteCode: randomId() });
    await createPublic(store, "tea room");
    // Support rooms are named after their user and never block or clash.
    const make = randomSupport({ id: "u1", name: "Coffee Talk", role: "user" })().room;
    await store.createRoom({ name: make.name, visibility: "support", ownerId: "u1" });
    await store.createRoom({ name: make.name, visibility: "support", ownerId: "u2" });
  });

  test("getRoomByName - finds public rooms case-insensitively, never private ones", async (store) => {
    const room = await createPublic(store, "Night Owls 서울");
    assert.deepEqual(await store.getRoomByName("night owls 서울"), room);
    // The same name typed decomposed (NFD) is the same name.
    assert.deepEqual(await store.getRoomByName("night owls 서울".normalize("NFD")), room);
    assert.equal(await store.getRoomByName("night owls"), null);
    await store.createRoom({
      name: "Hidden Den",
      visibility: "private",
      ownerId: "u",
      inviteCode: randomId(),
    });
    assert.equal(await store.getRoomByName("hidden den"), null);
  });

  test("getRoomByInvite - looks up and rotates invite codes", async (store) => {
    const room = await store.createRoom({
      name: "Secret",
      visibility: "private",
      ownerId: "u1",
      inviteCode: "code-1",
    });
    assert.equal(room.inviteCode, "code-1");
    assert.deepEqual(await store.getRoomByInvite("code-1"), room);
    await store.setInviteCode(room.id, "code-2");
    assert.equal(await store.getRoomByInvite("code-1"), null);
    assert.equal((await store.getRoomByInvite("code-2"))?.id, room.id);
    assert.equal((await store.getRoom(room.id))?.inviteCode, "code-2");
    assert.equal(await store.getRoomByInvite("nope"), null);
  });

  test("listPublicRooms - lists only public rooms, with their lastSeq", async (store) => {
    const a = await createPublic(store);
    const b = await createPublic(store);
    await store.createRoom({ name: "Hidden", visibility: "private", ownerId: "u", inviteCode: randomId() });
    await store.appendMessage(randomMessage(b.id));
    const rooms = await store.listPublicRooms({ limit: 10 });
    assert.deepEqual(rooms.map((r) => r.id), [a.id, b.id]);
    assert.deepEqual(rooms.map((r) => r.lastSeq), [0, 1]);
  });

  test("listPublicRooms - pages by id, oldest first, each page bounded", async (store) => {
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await createPublic(store)).id);
    const seen: string[] = [];
    let after: string | undefined;
    while (true) {
      const page = await store.listPublicRooms({ limit: 3, after });
      assert.ok(page.length <= 3);
      seen.push(...page.map((r) => r.id));
      if (page.length < 3) break;
      after = page.at(-1)!.id;
    }
    assert.deepEqual(seen, made);
  });

  test("addMember - records memberships, idempotently", async (store) => {
    const a = await createPublic(store);
    const b = await store.createRoom({
      name: "Club",
      visibility: "private",
      ownerId: "u",
      inviteCode: randomId(),
    });
    await createPublic(store);
    await store.addMember(a.id, "u1");
    await store.addMember(a.id, "u1");
    await store.addMember(b.id, "u1");
    assert.equal(await store.isMember(a.id, "u1"), true);
    assert.equal(await store.isMember(a.id, "u2"), false);
    assert.deepEqual((await store.listRoomsOf("u1")).map((r) => r.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(await store.listRoomsOf("u2"), []);
  });

  registerMessageContract(test, options);
  registerBatchContract(test);

  test("ids - non-string input is refused with a TypeError", async (store) => {
    const evil = { $ne: "" } as unknown as string;
    await assert.rejects(store.getRoom(evil), TypeError);
    await assert.rejects(store.getUserByUsername(evil), TypeError);
    await assert.rejects(store.getSession(evil), TypeError);
    await assert.rejects(store.getProgram(evil), TypeError);
    await assert.rejects(store.appendMessage(randomMessage(evil)), TypeError);
    await assert.rejects(store.getRoomByInvite(evil), TypeError);
  });

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
      convs.push(await store.getOrCreateSupport(user, randomSupport(user)));
      // The queue is oldest first: keep the creation times apart.
      await new Promise((resolve) => setTimeout(resolve, 3));
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

  test("ping - succeeds on a reachable store", async (store) => {
    await store.ping();
  });
}
