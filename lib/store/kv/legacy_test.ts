import assert from "node:assert/strict";
import { ulid } from "ulid";
import type { Message } from "@/lib/shared/protocol.ts";
import { openKvStore } from "./mod.ts";
import { toChunkLayout } from "./legacy.ts";
import { historySeq, loadHistory } from "./client_ids.ts";
import { newRoomRecord } from "../records.ts";
import { randomMessage, randomUserRef } from "../contract/mod.ts";
import type { NewMessage } from "../types.ts";

/**
 * Writes a room the way the store did before chunks: a row per message, its `["msgId"]` and
 * `["msgByClient"]` rows, and an edit at seq count + 1 of message 2.
 */
async function legacyRoom(kv: Deno.Kv, count: number) {
  const room = newRoomRecord({ name: `Old ${ulid()}`, visibility: "public", ownerId: "u-owner" });
  const author = randomUserRef();
  const inputs: NewMessage[] = [];
  const messages: Message[] = [];
  await kv.set(["room", room.id], room);
  for (let seq = 1; seq <= count; seq++) {
    const input = randomMessage(room.id, author);
    const message = {
      id: ulid(),
      seq,
      room: room.id,
      kind: "text",
      author,
      text: input.text,
      at: new Date().toISOString(),
    } as Message;
    inputs.push(input);
    messages.push(message);
    await kv.atomic().set(["msg", room.id, seq], message).set(["msgId", room.id, message.id], seq)
      .set(["msgByClient", room.id, author.id, input.clientId], { seq }).commit();
  }
  messages[1] = { ...messages[1], text: "edited before", editedAt: new Date().toISOString() };
  await kv.atomic().set(["msg", room.id, 2], messages[1]).set(["change", room.id, count + 1], { target: 2 })
    .set(["roomSeq", room.id], count + 1).commit();
  return { room: room.id, author, inputs, messages };
}

Deno.test("[store:kv] legacy layout - a file written a row per message is moved to chunks and reads the same", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_legacy_" });
  const path = `${dir}/store.kv`;
  const raw = await Deno.openKv(path);
  // 300 messages: several bounded steps, and ten segments of clientId history.
  const big = await legacyRoom(raw, 300);
  const small = await legacyRoom(raw, 3);
  raw.close();
  // Two isolates opening the old file at once: both move it (one wins each step), neither doubles it.
  const [a, b] = await Promise.all([openKvStore(path), openKvStore(path)]);
  try {
    for (const { room, messages } of [big, small]) {
      assert.deepEqual(await a.listMessages(room, { after: 0, limit: 1_000 }), messages);
      assert.deepEqual(await b.listMessages(room, { limit: 2 }), messages.slice(-2));
      assert.deepEqual(await b.getMessage(room, messages[0].id), messages[0]);
      const events = await a.listEvents(room, { after: 0, limit: 1_000 });
      assert.deepEqual(events.at(-1), { room, seq: messages.length + 1, update: messages[1] });
    }
    // Changes find legacy ids through their `["msgId"]` rows.
    const deleted = await b.changeMessage({
      room: small.room,
      id: small.messages[2].id,
      by: small.author,
      change: { op: "delete" },
    });
    assert.equal(deleted.seq, 5);
    assert.equal((await a.getMessage(small.room, small.messages[2].id))?.deleted, true);
    // Resends of messages stored before the move are duplicates, by the history seeded from the
    // clientId rows (and the rows themselves, read when a handle first appends to the room).
    for (const n of [0, 299]) {
      const again = await a.appendMessage({ ...big.inputs[n] });
      assert.equal(again.duplicate, true, `message ${n + 1}`);
      assert.deepEqual(again.message, big.messages[n]);
    }
    const next = await b.appendMessage(randomMessage(big.room, big.author));
    assert.equal(next.message.seq, 302);
    // `b` knows the room now (no row read on its usual path): the seeded history alone answers.
    for (const n of [0, 31, 32, 150]) {
      const again = await b.appendMessage({ ...big.inputs[n] });
      assert.equal(again.duplicate, true, `message ${n + 1} on b`);
      assert.deepEqual(again.message, big.messages[n]);
    }
    assert.deepEqual((await a.listMessages(big.room, { limit: 1 }))[0], next.message);
  } finally {
    await a.close();
    await b.close();
  }
  const kv = await Deno.openKv(path);
  try {
    assert.equal((await Array.fromAsync(kv.list({ prefix: ["msg"] }))).length, 0);
    assert.equal((await kv.get(["chunkLayout"])).value, 1);
    // Every clientId row seeded (300 = 9 × 32 + 12), then the one appended: 16 bytes each.
    const segments = await Array.fromAsync(
      kv.list<Uint8Array>({ prefix: ["clientIds", big.room, big.author.id] }),
    );
    assert.deepEqual(segments.map((s) => s.value.byteLength), [...Array(9).fill(512), 13 * 16]);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[store:kv] legacy layout - 2,000 clientId rows of one author seed a complete history, in steps, two seeders at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_legacy_" });
  const path = `${dir}/store.kv`;
  const raw = await Deno.openKv(path);
  const ids = Array.from({ length: 2_000 }, () => crypto.randomUUID());
  for (let i = 0; i < ids.length; i += 500) {
    const op = raw.atomic();
    ids.slice(i, i + 500).forEach((id, n) =>
      op.set(["msgByClient", "r-old", "u-old", id], { seq: i + n + 1 })
    );
    await op.commit();
  }
  const other = await Deno.openKv(path);
  try {
    // 63 segments: two steps of at most 60 each, both seeders writing the same bytes.
    await Promise.all([toChunkLayout(raw), toChunkLayout(other)]);
    const segments = await Array.fromAsync(raw.list<Uint8Array>({ prefix: ["clientIds", "r-old", "u-old"] }));
    assert.deepEqual(segments.map((s) => s.key[3]), Array.from({ length: 63 }, (_, i) => i));
    assert.equal(segments.at(-1)!.value.byteLength, 16 * 16);
    const history = await loadHistory(other, "r-old", "u-old");
    assert.equal(history.count, 2_000);
    ids.forEach((id, n) => assert.equal(historySeq(history, id), n + 1));
  } finally {
    raw.close();
    other.close();
    await Deno.remove(dir, { recursive: true });
  }
});
