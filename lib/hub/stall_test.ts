/**
 * The hub when the store stalls: a call that never settles must not leave a socket unanswered, nor
 * hold up the room's later joins and sends (the soak's "joined never came, ack never came").
 */
import assert from "node:assert/strict";
import { cluster, fence, joined, randomSession, until } from "@/tests/support/hub.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { LiveRooms } from "@/lib/hub/live_rooms.ts";
import type { Store } from "@/lib/store/types.ts";

/** A KV store whose next `stall` calls of `method` never settle. */
async function stallingStore(method: "appendMessage" | "listMessages") {
  const kv = await openKvStore(":memory:");
  const state = { stall: 0 };
  const store: Store = {
    ...kv,
    [method]: (...args: unknown[]) => {
      if (state.stall > 0) {
        state.stall--;
        return new Promise(() => {});
      }
      return (kv[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    },
  };
  return { store, state };
}

Deno.test("[hub] stall - an append that never settles gets unavailable in time; the next send is acked", async () => {
  const { store, state } = await stallingStore("appendMessage");
  const c = await cluster({ store, storeTimeoutMs: 300 });
  try {
    const room = await store.createRoom({ name: "stall-send", visibility: "public", ownerId: "u0" });
    const s = c.connect(c.a);
    await joined(s, room.id);
    state.stall = 1;
    const t0 = Date.now();
    s.client({ type: "send", room: room.id, clientId: "hung", text: "one" });
    s.client({ type: "send", room: room.id, clientId: "next", text: "two" });
    const ack = await s.next((f) => f.type === "ack" && f.clientId === "next", 1_000);
    const err = await s.next((f) => f.type === "error" && f.clientId === "hung", 1_000);
    assert.equal(err.code, "unavailable");
    assert.ok(Date.now() - t0 < 1_000);
    // The client resends the same clientId; it is stored once.
    s.client({ type: "send", room: room.id, clientId: "hung", text: "one" });
    const again = await s.next((f) => f.type === "ack" && f.clientId === "hung");
    assert.deepEqual([ack.seq, again.seq], [1, 2]);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] stall - a join whose read never settles is answered; the room's next join is not held up", async () => {
  const { store, state } = await stallingStore("listMessages");
  const c = await cluster({ store, storeTimeoutMs: 300, roomTaskMs: 2_000 });
  try {
    const room = await store.createRoom({ name: "stall-join", visibility: "public", ownerId: "u0" });
    const first = c.connect(c.a);
    const second = c.connect(c.a);
    state.stall = 1;
    first.client({ type: "join", room: room.id });
    const t0 = Date.now();
    const err = await first.next((f) => f.type === "error" && f.room === room.id, 1_000);
    assert.equal(err.code, "unavailable");
    await joined(second, room.id);
    assert.ok(Date.now() - t0 < 1_000, "the second join waited on the stalled one");
    // The first socket joins again (as the clients do after an error) and then sends.
    await joined(first, room.id);
    first.client({ type: "send", room: room.id, clientId: "c1", text: "after" });
    await first.next((f) => f.type === "ack");
    await second.next((f) => f.type === "message");
  } finally {
    await c.close();
  }
});

Deno.test("[hub] stall - a room task that never settles stops blocking the queue after taskMs", async () => {
  const kv = await openKvStore(":memory:");
  try {
    const rooms = new LiveRooms(kv, { taskMs: 100 });
    const room = rooms.open("r1");
    let aborted = false;
    rooms.run(room, (signal) => {
      signal.addEventListener("abort", () => aborted = true);
      return new Promise(() => {});
    });
    rooms.run(room, () => Promise.reject(new Error("boom"))).catch(() => {});
    const t0 = Date.now();
    assert.equal(await rooms.run(room, () => "ran"), "ran");
    assert.ok(Date.now() - t0 < 1_000);
    assert.equal(aborted, true);
    await until(() => rooms.size === 0);
    assert.equal(rooms.size, 0, "an idle room is forgotten once its tasks are done or overdue");
  } finally {
    kv.close();
  }
});

Deno.test("[hub] rejoin - joining again on the same socket never sends a seq twice", async () => {
  const c = await cluster({ env: { RATE_BURST: "1000" } });
  try {
    const room = await c.store.createRoom({ name: "rejoin", visibility: "public", ownerId: "u0" });
    const writer = c.connect(c.a);
    const reader = c.connect(c.b, randomSession());
    await joined(writer, room.id);
    await joined(reader, room.id);
    for (let i = 1; i <= 5; i++) {
      writer.client({ type: "send", room: room.id, clientId: `m${i}`, text: `m${i}` });
    }
    await reader.next(() => reader.messages(room.id).length >= 5);
    // The client lost track (e.g. it resends its join after an error) and asks from seq 2 again.
    reader.frames.length = 0;
    const again = await joined(reader, room.id, 2);
    assert.deepEqual(again.messages, []);
    assert.equal(again.seq, 5);
    writer.client({ type: "send", room: room.id, clientId: "m6", text: "m6" });
    await reader.next((f) => f.type === "message" && f.message.seq === 6);
    const last = await fence(c, c.a, room.id, [reader]);
    assert.deepEqual(reader.messages(room.id).filter((m) => m.seq < last).map((m) => m.seq), [6]);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] order - a send that reads its member state first keeps its place before the next send", async () => {
  const kv = await openKvStore(":memory:");
  let slow = false;
  // The first send's read is slow, the second's quick: without the hold, the second would be stored first.
  const store: Store = {
    ...kv,
    getMemberState: (room, user) => {
      if (!slow) return kv.getMemberState(room, user);
      slow = false;
      return new Promise((resolve) => setTimeout(() => resolve(kv.getMemberState(room, user)), 50));
    },
  };
  const c = await cluster({ store });
  try {
    const room = await store.createRoom({ name: "order", visibility: "public", ownerId: "u0" });
    const s = c.connect(c.a);
    await joined(s, room.id);
    slow = true;
    s.client({ type: "send", room: room.id, clientId: "first", text: "one" });
    s.client({ type: "send", room: room.id, clientId: "second", text: "two" });
    const first = await s.next((f) => f.type === "ack" && f.clientId === "first");
    const second = await s.next((f) => f.type === "ack" && f.clientId === "second");
    assert.deepEqual([first.seq, second.seq], [1, 2]);
  } finally {
    await c.close();
  }
});
