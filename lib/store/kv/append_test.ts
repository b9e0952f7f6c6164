import assert from "node:assert/strict";
import { openKvStore } from "./mod.ts";
import type { AppendResult, Store } from "../types.ts";
import { createPublic, randomMessage, randomUserRef } from "../contract/mod.ts";
import type { Message } from "@/lib/shared/protocol.ts";
import { kvAppender } from "./append.ts";
import { openKvWriter } from "./writer.ts";

async function twoHandles(fn: (a: Store, b: Store, path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_append_" });
  const a = await openKvStore(`${dir}/store.kv`);
  const b = await openKvStore(`${dir}/store.kv`);
  try {
    await fn(a, b, `${dir}/store.kv`);
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

Deno.test("[store:kv] appendMessage - appends of one turn on an idle store share one commit", async () => {
  const store = await openKvStore(":memory:");
  const probe = await Deno.openKv(":memory:");
  const proto = Object.getPrototypeOf(probe.atomic());
  const commit = proto.commit;
  let commits = 0;
  try {
    const rooms = await Promise.all(Array.from({ length: 10 }, () => createPublic(store)));
    proto.commit = function (this: Deno.AtomicOperation) {
      commits++;
      return commit.call(this);
    };
    // The first append used to start a commit of its own at once, the other nine waiting behind it.
    const results = await Promise.all(
      rooms.map((room) => store.appendMessage(randomMessage(room.id, randomUserRef()))),
    );
    assert.equal(commits, 1);
    assert.deepEqual(results.map((r) => r.message.seq), rooms.map(() => 1));
    // Alone, an append still commits at once (a microtask later), not when a batch would fill.
    await store.appendMessage(randomMessage(rooms[0].id, randomUserRef()));
    assert.equal(commits, 2);
  } finally {
    proto.commit = commit;
    probe.close();
    await store.close();
  }
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

/** Over KV's 64 KiB value limit, among two that fit: refused alone, its neighbours stored. */
async function oversizedFailsAlone(store: Store) {
  const room = (await createPublic(store)).id;
  const author = randomUserRef();
  const huge = { ...randomMessage(room, author), text: "é".repeat(70_000) };
  const outcomes = await Promise.allSettled([
    store.appendMessage(randomMessage(room, author)),
    store.appendMessage(huge),
    store.appendMessage(randomMessage(room, author)),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ["fulfilled", "rejected", "fulfilled"]);
  const stored = await store.listMessages(room, { after: 0, limit: 10 });
  assert.deepEqual(stored.map((m) => m.seq), [1, 2]);
}

Deno.test("[store:kv] appendMessage - one message KV refuses fails alone, not its batch", async () => {
  // Refused by the commit, not by a check.
  const store = await openKvStore(":memory:");
  try {
    await oversizedFailsAlone(store);
  } finally {
    await store.close();
  }
});

Deno.test("[store:kv-journal] appendMessage - one message KV could not hold is refused before its ack, alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_append_" });
  const writer = await openKvWriter(`${dir}/store.kv`);
  const store = await openKvStore(`${dir}/store.kv`, { appends: writer.connect() });
  try {
    await oversizedFailsAlone(store);
  } finally {
    await store.close();
    await writer.close();
    await Deno.remove(dir, { recursive: true });
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

Deno.test("[store:kv] appendMessage - a resend is a duplicate however many messages came after it, on any handle", async () => {
  await twoHandles(async (a, b, path) => {
    const room = (await createPublic(a)).id;
    const author = randomUserRef();
    // The original, then 300 more: past the 256 the old ring kept, across ten segments.
    const inputs = Array.from({ length: 301 }, () => randomMessage(room, author));
    const stored: Message[] = [];
    for (const input of inputs) stored.push((await a.appendMessage(input)).message);
    const expectDuplicate = async (store: Store, n: number) => {
      const again = await store.appendMessage({ ...inputs[n] });
      assert.equal(again.duplicate, true, `message ${n + 1}`);
      assert.deepEqual(again.message, stored[n]);
    };
    // On the handle that wrote it (history in memory), and on the other (loaded from the segments).
    await expectDuplicate(a, 0);
    await expectDuplicate(b, 0);
    // `a` appends more, so `b`'s history is stale: its commit's check fails and it looks again.
    for (let i = 0; i < 5; i++) {
      inputs.push(randomMessage(room, author));
      stored.push((await a.appendMessage(inputs.at(-1)!)).message);
    }
    await expectDuplicate(b, 305);
    // A fresh handle on the file: entries 1, 31, 32 (the last of segment 0), 33 (the first of 1), 306.
    const c = await openKvStore(path);
    try {
      for (const n of [0, 30, 31, 32, 305]) await expectDuplicate(c, n);
      assert.equal((await c.getRoom(room))?.lastSeq, 306);
    } finally {
      await c.close();
    }
    assert.equal((await b.listMessages(room, { after: 0, limit: 1_000 })).length, 306);
    assert.equal((await a.getRoom(room))?.lastSeq, 306);
  });
});

Deno.test("[store:kv] appendMessage - one commit whose entries cross a segment boundary writes both segments", async () => {
  await twoHandles(async (a, _b, path) => {
    const room = (await createPublic(a)).id;
    const author = randomUserRef();
    // 20 one at a time, then 40 at once, in one commit (entries 21-60: the last 12 of segment 0 and
    // 28 of segment 1).
    const inputs = Array.from({ length: 60 }, () => randomMessage(room, author));
    for (const input of inputs.slice(0, 20)) await a.appendMessage(input);
    const batch = await Promise.all(inputs.slice(20).map((input) => a.appendMessage(input)));
    assert.ok(batch.every((r) => !r.duplicate));
    const kv = await Deno.openKv(path);
    try {
      const segments = await Array.fromAsync(kv.list<Uint8Array>({ prefix: ["clientIds", room, author.id] }));
      assert.deepEqual(segments.map((s) => [s.key[3], s.value.byteLength]), [[0, 512], [1, 28 * 16]]);
    } finally {
      kv.close();
    }
    const c = await openKvStore(path);
    try {
      const again = await Promise.all(inputs.map((input) => c.appendMessage({ ...input })));
      assert.ok(again.every((r) => r.duplicate));
      assert.deepEqual(again.slice(20).map((r) => r.message), batch.map((r) => r.message));
      assert.equal((await c.getRoom(room))?.lastSeq, 60);
    } finally {
      await c.close();
    }
  });
});

Deno.test("[store:kv] appendMessage - histories dropped past the memory bound are loaded again, resends still caught", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    // 40 entries cached at most: three authors of 30 messages each keep pushing one another out.
    const appender = kvAppender(kv, { maxEntries: 40 });
    const authors = [randomUserRef(), randomUserRef(), randomUserRef()];
    const inputs = Array.from({ length: 90 }, (_, i) => randomMessage("r-bound", authors[i % 3]));
    const stored: Message[] = [];
    for (const input of inputs) stored.push((await appender.append(input)).message);
    const again = await Promise.all(inputs.map((input) => appender.append({ ...input })));
    assert.ok(again.every((r) => r.duplicate));
    assert.deepEqual(again.map((r) => r.message), stored);
    for (const n of [0, 1, 2, 89]) assert.equal((await appender.append({ ...inputs[n] })).message.seq, n + 1);
    assert.equal((await appender.append(randomMessage("r-bound", authors[0]))).message.seq, 91);
  } finally {
    kv.close();
  }
});

Deno.test("[store:kv] appendMessage - two handles racing on one room: every seq once, chunks never overlap", async () => {
  await twoHandles(async (a, b, path) => {
    const room = (await createPublic(a)).id;
    const authors = [randomUserRef(), randomUserRef(), randomUserRef()];
    const inputs = Array.from({ length: 300 }, (_, i) => randomMessage(room, authors[i % 3]));
    // Each input through one handle, every fourth resent through the other at the same time.
    const results = await Promise.all([
      ...inputs.map((input, i) => (i % 2 ? a : b).appendMessage(input)),
      ...inputs.filter((_, i) => i % 4 === 0).map((input, i) => (i % 2 ? a : b).appendMessage({ ...input })),
    ]);
    assert.equal(results.filter((r) => r.duplicate).length, 75);
    assert.equal(new Set(results.map((r) => r.message.id)).size, 300);
    const kv = await Deno.openKv(path);
    try {
      let next = 1;
      for await (const { key, value } of kv.list<Message[]>({ prefix: ["msgs", room] })) {
        assert.equal(key[2], value[0].seq);
        for (const m of value) assert.equal(m.seq, next++);
      }
      assert.equal(next, 301);
    } finally {
      kv.close();
    }
    assert.equal((await b.getRoom(room))?.lastSeq, 300);
  });
});
