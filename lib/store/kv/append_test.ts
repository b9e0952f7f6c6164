import assert from "node:assert/strict";
import { openKvStore } from "./mod.ts";
import type { AppendResult, Store } from "../types.ts";
import { createPublic, randomMessage, randomUserRef } from "../contract/mod.ts";

async function twoHandles(fn: (a: Store, b: Store) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_append_" });
  const a = await openKvStore(`${dir}/store.kv`);
  const b = await openKvStore(`${dir}/store.kv`);
  try {
    await fn(a, b);
  } finally {
    await a.close();
    await b.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("[store:kv] appendMessage - batches many rooms from two handles, gap-free and exactly once", async () => {
  await twoHandles(async (a, b) => {
    const rooms = await Promise.all(Array.from({ length: 40 }, () => createPublic(a)));
    const authors = Array.from({ length: 7 }, () => randomUserRef());
    const perRoom = 30;
    const inputs = rooms.flatMap((room, r) =>
      Array.from({ length: perRoom }, (_, i) => randomMessage(room.id, authors[(r + i) % authors.length]))
    );
    // Every retry (same author and clientId) sent at once, through the other handle.
    const retries = inputs.filter((_, i) => i % 5 === 0);
    const started = performance.now();
    const results = await Promise.all([
      ...inputs.map((input, i) => (i % 2 ? a : b).appendMessage(input)),
      ...retries.map((input, i) => (i % 2 ? b : a).appendMessage({ ...input })),
    ]);
    const ms = performance.now() - started;
    const byClient = new Map<string, AppendResult[]>();
    for (const r of results) {
      const key = `${r.message.author.id}/${r.message.id}`;
      byClient.set(key, [...(byClient.get(key) ?? []), r]);
    }
    // Each retried input came back as the same message, once new and once a duplicate.
    assert.equal(byClient.size, inputs.length);
    assert.equal(results.filter((r) => r.duplicate).length, retries.length);
    for (const room of rooms) {
      const stored = await b.listMessages(room.id, { after: 0, limit: perRoom + 10 });
      assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: perRoom }, (_, i) => i + 1));
      assert.equal((await a.getRoom(room.id))?.lastSeq, perRoom);
    }
    // One commit per message took ~3-8 ms here; batched, 1,440 appends finish well under that pace.
    assert.ok(ms < inputs.length * 3, `${inputs.length} appends took ${ms.toFixed(0)} ms`);
  });
});

Deno.test("[store:kv] appendMessage - two identical appends in one batch store one message", async () => {
  const store = await openKvStore(":memory:");
  try {
    const room = (await createPublic(store)).id;
    const input = randomMessage(room, randomUserRef());
    const [first, second, third] = await Promise.all([
      store.appendMessage(randomMessage(room, randomUserRef())),
      store.appendMessage(input),
      store.appendMessage({ ...input }),
    ]);
    assert.equal(first.message.seq, 1);
    assert.equal(second.duplicate, false);
    assert.equal(third.duplicate, true);
    assert.deepEqual(third.message, second.message);
    assert.equal((await store.getRoom(room))?.lastSeq, 2);
  } finally {
    await store.close();
  }
});

Deno.test("[store:kv] appendMessage - one message KV refuses fails alone, not its batch", async () => {
  const store = await openKvStore(":memory:");
  try {
    const room = (await createPublic(store)).id;
    const author = randomUserRef();
    // Over KV's 64 KiB value limit: refused by the commit, not by a check.
    const huge = { ...randomMessage(room, author), text: "é".repeat(70_000) };
    const outcomes = await Promise.allSettled([
      store.appendMessage(randomMessage(room, author)),
      store.appendMessage(huge),
      store.appendMessage(randomMessage(room, author)),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ["fulfilled", "rejected", "fulfilled"]);
    const stored = await store.listMessages(room, { after: 0, limit: 10 });
    assert.deepEqual(stored.map((m) => m.seq), [1, 2]);
  } finally {
    await store.close();
  }
});

Deno.test("[store:kv] appendMessage - a counter moved by the other handle is read again, never reused", async () => {
  await twoHandles(async (a, b) => {
    const room = (await createPublic(a)).id;
    const author = randomUserRef();
    // Each handle now remembers the room's counter as it left it…
    assert.equal((await a.appendMessage(randomMessage(room, author))).message.seq, 1);
    assert.equal((await b.appendMessage(randomMessage(room, author))).message.seq, 2);
    // …so `a`'s memory is stale: its commit's check fails and it goes again from the store.
    const again = await Promise.all([
      a.appendMessage(randomMessage(room, author)),
      a.appendMessage(randomMessage(room, author)),
    ]);
    assert.deepEqual(again.map((r) => r.message.seq), [3, 4]);
    // A clientId `b` stored is a duplicate on `a`, though `a` never saw it.
    const input = randomMessage(room, author);
    const first = await b.appendMessage(input);
    const retry = await a.appendMessage({ ...input });
    assert.equal(retry.duplicate, true);
    assert.deepEqual(retry.message, first.message);
    assert.deepEqual((await a.listMessages(room, { after: 0, limit: 10 })).map((m) => m.seq), [
      1,
      2,
      3,
      4,
      5,
    ]);
  });
});
