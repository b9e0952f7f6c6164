import assert from "node:assert/strict";
import { cluster, type FakeSocket, fence, joined, until } from "@/tests/support/hub.ts";
import { StoreUnavailableError } from "@/lib/store/errors.ts";
import type { Store } from "@/lib/store/types.ts";

Deno.test("[hub] deliver - a message sent on node A reaches node B exactly once", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "lobby", visibility: "public", ownerId: "u0" });
    const onA = c.connect(c.a);
    const onB = c.connect(c.b);
    await joined(onA, room.id);
    await joined(onB, room.id);
    onA.client({ type: "send", room: room.id, clientId: "c1", text: "hello", author: { id: "evil" } });
    const ack = await onA.next((f) => f.type === "ack");
    const got = await onB.next((f) => f.type === "message");
    assert.equal(got.message.seq, ack.seq);
    assert.equal(got.message.author.id, (await onA.next((f) => f.type === "message")).message.author.id);
    assert.notEqual(got.message.author.id, "evil");
    await onA.next((f) => f.type === "message");
    const last = await fence(c, c.a, room.id, [onA, onB]);
    assert.equal(onB.messages(room.id).filter((m) => m.seq < last).length, 1);
    assert.equal(onA.messages(room.id).filter((m) => m.seq < last).length, 1);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] deliver - gaps left by a lossy bus are refilled from the store, in order", async () => {
  const dropped = new Set([2, 3, 5, 8, 9, 10, 11, 12, 13, 14]);
  const c = await cluster({ dropOnB: (e) => e.t === "message" && dropped.has(e.message.seq) });
  try {
    const room = await c.store.createRoom({ name: "gaps", visibility: "public", ownerId: "u0" });
    const writer = c.connect(c.a);
    const reader = c.connect(c.b);
    await joined(writer, room.id);
    await joined(reader, room.id);
    for (let i = 1; i <= 20; i++) {
      writer.client({ type: "send", room: room.id, clientId: `m${i}`, text: `m${i}` });
    }
    await reader.next(() => reader.messages(room.id).length >= 20);
    const last = await fence(c, c.a, room.id, [reader]);
    assert.deepEqual(
      reader.messages(room.id).filter((m) => m.seq < last).map((m) => m.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.ok(c.b.stats().gapsRefilled >= dropped.size);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] join - racing live messages never doubles or skips one", async () => {
  const c = await cluster({ env: { RATE_BURST: "1000" } });
  try {
    const room = await c.store.createRoom({ name: "race", visibility: "public", ownerId: "u0" });
    const writer = c.connect(c.a);
    await joined(writer, room.id);
    const readers: FakeSocket[] = [];
    for (let i = 1; i <= 40; i++) {
      writer.client({ type: "send", room: room.id, clientId: `r${i}`, text: `r${i}` });
      if (i % 8 === 0) {
        const r = c.connect(i % 16 ? c.a : c.b);
        r.client({ type: "join", room: room.id });
        readers.push(r);
      }
    }
    await writer.next(() => writer.frames.filter((f) => f.type === "ack").length === 40);
    for (const r of readers) await r.next((f) => f.type === "joined");
    const last = await fence(c, c.a, room.id, readers);
    for (const r of readers) {
      const j = await r.next((f) => f.type === "joined");
      const seqs = [...j.messages, ...r.messages(room.id)].map((m) => m.seq).filter((seq) => seq < last);
      assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i + 1).slice(seqs[0] - 1));
      assert.ok(seqs[0] <= 1 || j.messages.length === 50 || seqs.at(-1) === 40);
    }
  } finally {
    await c.close();
  }
});

Deno.test("[hub] join - since replays every later message exactly once", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "replay", visibility: "public", ownerId: "u0" });
    const writer = c.connect(c.a);
    await joined(writer, room.id);
    for (let i = 1; i <= 260; i++) {
      await c.store.appendMessage({
        room: room.id,
        kind: "text",
        author: { id: "u0", name: "x", role: "guest" },
        clientId: `p${i}`,
        text: "x",
      });
    }
    const late = c.connect(c.b);
    const j = await joined(late, room.id, 5);
    await late.next(() => j.messages.length + late.messages(room.id).length >= 255);
    const seqs = [...j.messages, ...late.messages(room.id)].map((m) => m.seq);
    assert.deepEqual(seqs, Array.from({ length: 255 }, (_, i) => i + 6));
    const fresh = c.connect(c.b);
    const latest = await joined(fresh, room.id);
    assert.equal(latest.messages.length, 50);
    assert.equal(latest.hasMore, true);
    assert.equal(latest.seq, 260);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] send - a repeated clientId is acked again and stored once", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "dup", visibility: "public", ownerId: "u0" });
    const s = c.connect(c.a);
    await joined(s, room.id);
    s.client({ type: "send", room: room.id, clientId: "same", text: "one" });
    s.client({ type: "send", room: room.id, clientId: "same", text: "one" });
    await s.next(() => s.frames.filter((f) => f.type === "ack").length === 2);
    const [a1, a2] = s.frames.filter((f) => f.type === "ack");
    assert.deepEqual(a1, a2);
    const last = await fence(c, c.a, room.id, [s]);
    assert.equal(s.messages(room.id).filter((m) => m.seq < last).length, 1);
    assert.equal((await c.store.listMessages(room.id, { limit: 10 })).filter((m) => m.seq < last).length, 1);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] send - store down gives an unavailable error with the clientId and no ack", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "down", visibility: "public", ownerId: "u0" });
    const s = c.connect(c.a);
    await joined(s, room.id);
    const store = c.store as Store & { appendMessage: Store["appendMessage"] };
    const original = store.appendMessage;
    store.appendMessage = () => Promise.reject(new StoreUnavailableError("down"));
    s.client({ type: "send", room: room.id, clientId: "x1", text: "hi" });
    const err = await s.next((f) => f.type === "error");
    store.appendMessage = original;
    assert.equal(err.code, "unavailable");
    assert.equal(err.clientId, "x1");
    assert.equal(s.frames.some((f) => f.type === "ack"), false);
    s.client({ type: "ping" });
    await s.next((f) => f.type === "pong");
  } finally {
    await c.close();
  }
});

Deno.test("[hub] send - past the burst is refused and not stored; sustained abuse closes 4029", async () => {
  const c = await cluster({ env: { RATE_BURST: "3", RATE_PER_SECOND: "1" } });
  try {
    const room = await c.store.createRoom({ name: "rate", visibility: "public", ownerId: "u0" });
    const s = c.connect(c.a);
    await joined(s, room.id);
    for (let i = 0; i < 4; i++) s.client({ type: "send", room: room.id, clientId: `k${i}`, text: "x" });
    const err = await s.next((f) => f.type === "error" && f.code === "rate_limited");
    assert.equal(err.clientId, "k3");
    await s.next(() => s.frames.filter((f) => f.type === "ack").length === 3);
    assert.equal((await c.store.listMessages(room.id, { limit: 10 })).length, 3);
    for (let i = 0; i < 6; i++) s.client({ type: "send", room: room.id, clientId: `z${i}`, text: "x" });
    await s.closed();
    assert.equal(s.closedWith?.code, 4029);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] send - a reader whose buffer passed the bound is closed with 4008", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "slow", visibility: "public", ownerId: "u0" });
    const writer = c.connect(c.a);
    const slow = c.connect(c.b);
    await joined(writer, room.id);
    await joined(slow, room.id);
    slow.bufferedAmount = c.b.config.maxBufferedBytes + 1;
    writer.client({ type: "send", room: room.id, clientId: "s1", text: "x" });
    await writer.next((f) => f.type === "message");
    await slow.closed();
    assert.equal(slow.closedWith?.code, 4008);
    await until(() => c.b.presence(room.id).count === 1);
    assert.equal(c.b.presence(room.id).count, 1);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] frames - bad frames get an error and the socket stays open", async () => {
  const c = await cluster();
  try {
    const s = c.connect(c.a);
    for (const bad of ["nope", '{"type":"dance"}', '{"type":"send","room":"r"}', "[]", '{"type":"join"}']) {
      s.client(bad);
      assert.equal((await s.next((f) => f.type === "error")).code, "bad_frame");
      s.frames.length = 0;
    }
    s.client({ type: "join", room: "missing" });
    assert.equal((await s.next((f) => f.type === "error")).code, "not_found");
    s.client({ type: "send", room: "missing", clientId: "a", text: "x" });
    assert.equal((await s.next((f) => f.type === "error" && f.clientId === "a")).code, "not_joined");
    s.client({ type: "ping" });
    await s.next((f) => f.type === "pong");
    assert.equal(s.closedWith, undefined);
  } finally {
    await c.close();
  }
});

Deno.test("[hub] join - a send right behind a join on one socket waits for it, not refused", async () => {
  const c = await cluster();
  try {
    const room = await c.store.createRoom({ name: "eager", visibility: "public", ownerId: "u0" });
    const s = c.connect(c.a);
    // Written back to back, as a client does that pipelines its first message behind the join.
    s.client({ type: "join", room: room.id });
    s.client({ type: "send", room: room.id, clientId: "first", text: "at once" });
    s.client({ type: "typing", room: room.id });
    const ack = await s.next((f) => f.type === "ack" && f.clientId === "first");
    assert.equal(ack.seq, 1);
    // A pong answers a frame written after all three: a refusal of any of them would be ahead of it.
    s.client({ type: "ping" });
    await s.next((f) => f.type === "pong");
    assert.deepEqual(s.frames.filter((f) => f.type === "error"), []);
    assert.deepEqual((await c.store.listMessages(room.id, { limit: 10 })).map((m) => m.text), ["at once"]);
  } finally {
    await c.close();
  }
});
