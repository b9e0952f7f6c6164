/**
 * The contract every Store implementation is held to. `kv_test.ts` and `mongo_test.ts` register it
 * against their store; a behaviour belongs here when the app relies on it.
 */
import assert from "node:assert/strict";
import { ulid } from "ulid";
import { HttpError } from "@/lib/errors.ts";
import type { UserRef } from "@/lib/protocol.ts";
import type { NewMessage, Program, Room, Store, SupportConversation, User } from "./types.ts";
import { registerProgramContract } from "./contract_programs.ts";

export interface ContractOptions {
  /** Opens a second, independent store over the same data (another process's view). */
  twin?: (store: Store) => Promise<Store>;
  /** Extra Deno.test options, e.g. sanitizers a driver's connection pool cannot satisfy. */
  testOptions?: Omit<Deno.TestDefinition, "name" | "fn">;
}

export type ContractTest = (subject: string, fn: (store: Store) => Promise<void>) => void;

let counter = 0;
/** A unique, URL-safe id for test data. */
export const randomId = (prefix = "t") => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${crypto.randomUUID().slice(0, 8)}`;

export function randomUserRef(role: UserRef["role"] = "user"): UserRef {
  return { id: randomId("u"), name: `Name ${randomId()}`, role };
}

export function randomUser(overrides: Partial<User> = {}): User {
  return {
    id: randomId("u"),
    username: `User_${randomId()}`,
    role: "user",
    passwordHash: `hash:${randomId()}`,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export function randomMessage(room: string, author = randomUserRef(), overrides: Partial<NewMessage> = {}): NewMessage {
  return { room, kind: "text", author, clientId: randomId("c"), text: `hello ${randomId()}`, ...overrides };
}

export function randomProgram(overrides: Partial<Program> = {}): Program {
  const id = randomId("p");
  return {
    id,
    title: `Program ${id}`,
    description: `About ${id}`,
    startsAt: "2030-01-01T09:00:00.000Z",
    endsAt: "2030-02-01T09:00:00.000Z",
    price: 120000,
    currency: "KRW",
    url: `https://example.com/programs/${id}`,
    tags: ["course"],
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

export function randomSupport(user: UserRef): () => { room: Room; conversation: SupportConversation } {
  return () => {
    const now = new Date().toISOString();
    const room: Room = {
      id: ulid(),
      name: `Support: ${user.name}`,
      visibility: "support",
      ownerId: user.id,
      createdAt: now,
      lastSeq: 0,
    };
    return { room, conversation: { room: room.id, user, state: "waiting", createdAt: now, updatedAt: now } };
  };
}

async function createPublic(store: Store, name = `Room ${randomId()}`) {
  return await store.createRoom({ name, visibility: "public", ownerId: randomId("u") });
}

/** Rejects with an HttpError of this status and code. */
async function assertHttpError(promise: Promise<unknown>, status: number, code: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof HttpError, `expected HttpError, got ${error}`);
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return true;
  });
}

/**
 * Appends `total` messages to one room from `writers` concurrent writers spread over `stores`, and
 * checks the room then holds exactly seqs 1…total, each once.
 */
export async function assertGapFreeAppends(stores: Store[], total: number, writers: number) {
  const room = (await createPublic(stores[0])).id;
  const authors = Array.from({ length: writers }, () => randomUserRef());
  const results = await Promise.all(
    Array.from({ length: total }, (_, i) => stores[i % stores.length].appendMessage(randomMessage(room, authors[i % writers]))),
  );
  assert.deepEqual(results.map((r) => r.message.seq).sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i + 1));
  assert.ok(results.every((r) => !r.duplicate));
  const stored = await stores[0].listMessages(room, { after: 0, limit: total + 10 });
  assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: total }, (_, i) => i + 1));
  assert.equal((await stores[0].getRoom(room))?.lastSeq, total);
  assert.equal(new Set(stored.map((m) => m.id)).size, total);
}

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

  test("createRoom - names are unique without regard to case (room_exists)", async (store) => {
    await createPublic(store, "Coffee Talk");
    await assertHttpError(store.createRoom({ name: "coffee TALK", visibility: "private", ownerId: "x" }), 409, "room_exists");
    // Support rooms are named after their user and never block or clash.
    const make = randomSupport({ id: "u1", name: "Coffee Talk", role: "user" })().room;
    await store.createRoom({ name: make.name, visibility: "support", ownerId: "u1" });
    await store.createRoom({ name: make.name, visibility: "support", ownerId: "u2" });
  });

  test("getRoomByName - finds public and private rooms case-insensitively", async (store) => {
    const room = await createPublic(store, "Night Owls 서울");
    assert.deepEqual(await store.getRoomByName("night owls 서울"), room);
    assert.equal(await store.getRoomByName("night owls"), null);
  });

  test("getRoomByInvite - looks up and rotates invite codes", async (store) => {
    const room = await store.createRoom({ name: "Secret", visibility: "private", ownerId: "u1", inviteCode: "code-1" });
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
    const rooms = await store.listPublicRooms();
    assert.deepEqual(rooms.map((r) => r.id), [a.id, b.id]);
    assert.deepEqual(rooms.map((r) => r.lastSeq), [0, 1]);
  });

  test("addMember - records memberships, idempotently", async (store) => {
    const a = await createPublic(store);
    const b = await store.createRoom({ name: "Club", visibility: "private", ownerId: "u", inviteCode: randomId() });
    await createPublic(store);
    await store.addMember(a.id, "u1");
    await store.addMember(a.id, "u1");
    await store.addMember(b.id, "u1");
    assert.equal(await store.isMember(a.id, "u1"), true);
    assert.equal(await store.isMember(a.id, "u2"), false);
    assert.deepEqual((await store.listRoomsOf("u1")).map((r) => r.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(await store.listRoomsOf("u2"), []);
  });

  test("appendMessage - assigns the next seq, starting at 1", async (store) => {
    const room = (await createPublic(store)).id;
    const other = (await createPublic(store)).id;
    const author = randomUserRef();
    const first = await store.appendMessage(randomMessage(room, author, { text: "one" }));
    assert.equal(first.duplicate, false);
    assert.deepEqual(Object.keys(first.message).sort(), ["at", "author", "id", "kind", "room", "seq", "text"]);
    assert.equal(first.message.seq, 1);
    assert.equal(first.message.room, room);
    assert.deepEqual(first.message.author, author);
    assert.match(first.message.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.ok(Math.abs(Date.parse(first.message.at) - Date.now()) < 60_000);
    assert.equal((await store.appendMessage(randomMessage(room, author))).message.seq, 2);
    assert.equal((await store.appendMessage(randomMessage(other, author))).message.seq, 1);
    assert.equal((await store.getRoom(room))?.lastSeq, 2);
    assert.deepEqual((await store.listMessages(room, { limit: 1, after: 0 }))[0], first.message);
  });

  test("appendMessage - stores program cards and system messages as given", async (store) => {
    const room = (await createPublic(store)).id;
    const p = randomProgram();
    const snapshot = { id: p.id, title: p.title, startsAt: p.startsAt, endsAt: p.endsAt, price: p.price, currency: p.currency, url: p.url };
    const card = await store.appendMessage(randomMessage(room, randomUserRef("counselor"), { kind: "program", text: undefined, program: snapshot }));
    assert.deepEqual(card.message.program, snapshot);
    assert.equal("text" in card.message, false);
    const sys = await store.appendMessage(randomMessage(room, { id: "system", name: "Parley", role: "user" }, { kind: "system", text: "Alice joined" }));
    assert.deepEqual(await store.listMessages(room, { limit: 10 }), [card.message, sys.message]);
  });

  test("appendMessage - seq is gap-free under 200 concurrent appends", async (store) => {
    await assertGapFreeAppends([store], 200, 8);
  });

  if (options.twin) {
    const twin = options.twin;
    test("appendMessage - seq is gap-free with two store instances appending at once", async (store) => {
      const other = await twin(store);
      try {
        await assertGapFreeAppends([store, other], 200, 8);
      } finally {
        await other.close();
      }
    });
  }

  test("appendMessage - a repeated (author, clientId) returns the stored message", async (store) => {
    const room = (await createPublic(store)).id;
    const input = randomMessage(room);
    const first = await store.appendMessage(input);
    const again = await store.appendMessage({ ...input, text: "changed on retry" });
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.message, first.message);
    // Another author may use the same clientId.
    const other = await store.appendMessage({ ...input, author: randomUserRef() });
    assert.equal(other.duplicate, false);
    assert.equal(other.message.seq, 2);
    assert.equal((await store.listMessages(room, { limit: 10 })).length, 2);
  });

  test("appendMessage - racing identical appends store one message", async (store) => {
    const room = (await createPublic(store)).id;
    const input = randomMessage(room);
    const results = await Promise.all(Array.from({ length: 10 }, () => store.appendMessage(input)));
    assert.equal(results.filter((r) => !r.duplicate).length, 1);
    assert.equal(new Set(results.map((r) => r.message.id)).size, 1);
    assert.ok(results.every((r) => r.message.seq === 1));
    assert.equal((await store.listMessages(room, { limit: 10 })).length, 1);
    assert.equal((await store.getRoom(room))?.lastSeq, 1);
  });

  test("listMessages - pages by before/after, oldest first", async (store) => {
    const room = (await createPublic(store)).id;
    const author = randomUserRef();
    for (let i = 0; i < 10; i++) await store.appendMessage(randomMessage(room, author));
    const seqs = async (o: { before?: number; after?: number; limit: number }) =>
      (await store.listMessages(room, o)).map((m) => m.seq);
    assert.deepEqual(await seqs({ limit: 3 }), [8, 9, 10]);
    assert.deepEqual(await seqs({ limit: 100 }), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(await seqs({ before: 5, limit: 3 }), [2, 3, 4]);
    assert.deepEqual(await seqs({ before: 3, limit: 5 }), [1, 2]);
    assert.deepEqual(await seqs({ after: 7, limit: 10 }), [8, 9, 10]);
    assert.deepEqual(await seqs({ after: 2, limit: 3 }), [3, 4, 5]);
    assert.deepEqual(await seqs({ after: 2, before: 6, limit: 10 }), [3, 4, 5]);
    assert.deepEqual(await seqs({ after: 10, limit: 10 }), []);
    assert.deepEqual(await seqs({ before: 1, limit: 10 }), []);
    assert.deepEqual(await store.listMessages("no-such-room", { limit: 10 }), []);
  });

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

  test("users - unique without regard to case (username_taken)", async (store) => {
    const user = randomUser({ username: "Alice_Kim" });
    await store.createUser(user);
    assert.deepEqual(await store.getUser(user.id), user);
    assert.deepEqual(await store.getUserByUsername("alice_kim"), user);
    assert.deepEqual(await store.getUserByUsername("ALICE_KIM"), user);
    assert.equal(await store.getUserByUsername("alice"), null);
    await assertHttpError(store.createUser(randomUser({ username: "ALICE_kim" })), 409, "username_taken");
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
    const results = await Promise.all(Array.from({ length: 5 }, () => store.getOrCreateSupport(user, randomSupport(user))));
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

  test("ping - succeeds on a reachable store", async (store) => {
    await store.ping();
  });
}
