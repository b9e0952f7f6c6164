/**
 * The hub across nodes: presence (support members too), a session's socket count, and typing,
 * support and endSession frames.
 */
import assert from "node:assert/strict";
import { cluster, joined, randomSession, until } from "@/tests/support/hub.ts";
import { newSupportRecords } from "@/lib/support/support.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";

Deno.test("[hub] presence - spans nodes, counts users once, and drops a node that died", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "pres", visibility: "public", ownerId: "u0" });
    const user = randomSession();
    const a1 = c.connect(c.a, user);
    const b1 = c.connect(c.b, { ...user, id: "other-tab" });
    const b2 = c.connect(c.b);
    await joined(a1, room.id);
    await joined(b1, room.id);
    await joined(b2, room.id);
    await a1.next((f) => f.type === "presence" && f.count === 2);
    assert.deepEqual(c.a.counts()[room.id], 2);
    assert.equal(c.b.presence(room.id).count, 2);
    await c.b.shutdown(); // says "bye"
    await a1.next((f) => f.type === "presence" && f.count === 1);
    assert.equal(b1.closedWith?.code, 1012);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] presence - a node silent for three beats is dropped", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "dead", visibility: "public", ownerId: "u0" });
    const a1 = c.connect(c.a);
    const b1 = c.connect(c.b);
    await joined(a1, room.id);
    await joined(b1, room.id);
    await a1.next((f) => f.type === "presence" && f.count === 2);
    // Node B "dies": nothing it says reaches anyone any more, not even a goodbye.
    c.b.bus.publish = () => {};
    a1.frames.length = 0;
    const started = Date.now();
    await a1.next((f) => f.type === "presence" && f.count === 1, 2_000);
    assert.ok(Date.now() - started >= 200, "not before the TTL");
  } finally {
    await c.close();
  }
});

Deno.test("[hub] socketCount - a session's sockets on every node count toward its limit", async () => {
  const c = await cluster();
  try {
    const session = randomSession();
    const onA = [c.connect(c.a, session), c.connect(c.a, session)];
    c.connect(c.b, session);
    await until(() => c.a.socketCount(session.id) === 3 && c.b.socketCount(session.id) === 3);
    assert.equal(c.a.socketCount(session.id), 3);
    assert.equal(c.b.socketCount(session.id), 3);
    onA[0].close();
    await until(() => c.b.socketCount(session.id) === 2);
    assert.equal(c.b.socketCount(session.id), 2);
    assert.equal(c.b.socketCount(randomSession().id), 0);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] typing, support, endSession - reach the right sockets on every node", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "misc", visibility: "public", ownerId: "u0" });
    const typist = c.connect(c.a);
    const other = c.connect(c.b);
    const counselor = c.connect(c.b, randomSession("counselor"));
    await joined(typist, room.id);
    await joined(other, room.id);
    typist.client({ type: "typing", room: room.id });
    const typing = await other.next((f) => f.type === "typing");
    assert.equal(typing.room, room.id);
    c.a.publishSupport({
      room: "s1",
      user: { id: "u", name: "n", role: "guest" },
      state: "waiting",
      unread: 1,
      updatedAt: "",
    });
    await counselor.next((f) => f.type === "support");
    const session = randomSession();
    const tab = c.connect(c.b, session);
    c.a.endSession(session.id);
    await tab.closed();
    assert.equal(tab.closedWith?.code, 4403);
    assert.equal(typist.frames.some((f) => f.type === "typing" || f.type === "support"), false);
    assert.equal(other.frames.some((f) => f.type === "support"), false);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] presence - a claim on one node lists the counselor whose socket is on another", async () => {
  const c = await cluster();
  try {
    const user = randomSession("user");
    const ref = { id: user.userId, name: user.name, role: user.role };
    const { room } = await c.store.getOrCreateSupport(ref, () => newSupportRecords(ref));
    const mina = randomSession("counselor");
    const userTab = c.connect(c.a, user);
    const desk = c.connect(c.b, mina);
    await joined(userTab, room);
    await joined(desk, room);
    // Opening the conversation alone does not make the counselor a member.
    await until(() => c.b.presence(room).members.some((m) => m.id === user.userId));
    assert.equal(c.b.presence(room).count, 1);
    const line = { room, user: ref, unread: 0, updatedAt: "" };
    const counselor = { id: mina.userId, name: mina.name, role: mina.role };
    c.a.publishSupport({ ...line, state: "active", counselor });
    await userTab.next((f) => f.type === "presence" && f.count === 2);
    c.a.publishSupport({ ...line, state: "closed", counselor });
    await userTab.next((f) => f.type === "presence" && f.count === 1);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] presence - a claim while a counselor's join reads the store still lists them", async () => {
  const store = await openKvStore(":memory:");
  let release = () => {};
  const gate = new Promise<void>((r) => release = r);
  const reading = Promise.withResolvers<void>();
  const slow = {
    ...store,
    // The join's read of the conversation: it answers "waiting" after the claim line went out.
    async getSupport(room: string) {
      const before = await store.getSupport(room);
      reading.resolve();
      await gate;
      return before;
    },
  };
  const c = await cluster({ store: slow });
  try {
    const user = randomSession("user");
    const ref = { id: user.userId, name: user.name, role: user.role };
    const { room } = await store.getOrCreateSupport(ref, () => newSupportRecords(ref));
    const mina = randomSession("counselor");
    const userTab = c.connect(c.a, user);
    await joined(userTab, room);
    const desk = c.connect(c.a, mina);
    const join = joined(desk, room);
    await reading.promise;
    const counselor = { id: mina.userId, name: mina.name, role: mina.role };
    c.a.publishSupport({ room, user: ref, unread: 0, updatedAt: "", state: "active", counselor });
    release();
    await join;
    await userTab.next((f) => f.type === "presence" && f.count === 2);
  } finally {
    await c.close();
  }
});
