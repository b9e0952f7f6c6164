import assert from "node:assert/strict";
import { serialize } from "node:v8";
import type { Message } from "@/lib/shared/protocol.ts";
import {
  ascending,
  CHUNK_BYTES,
  chunkAt,
  chunkKey,
  descending,
  messageAt,
  messageBytes,
  splitBySize,
} from "./chunks.ts";
import { kvAppender } from "./append.ts";
import { createPublic, randomMessage, randomUserRef } from "../contract/mod.ts";
import { openKvStore } from "./mod.ts";

const msg = (seq: number): Message =>
  ({
    id: `m${seq}`,
    seq,
    room: "r",
    kind: "text",
    author: { id: "u", name: "U", role: "user" },
    text: "x",
  }) as Message;

async function withKv(fn: (kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

Deno.test("[store:kv] splitBySize - runs stay within the limit; an item over it is a run of its own", () => {
  assert.deepEqual(splitBySize([10, 10, 30, 5, 5, 5], (n) => n, 20), [[10, 10], [30], [5, 5, 5]]);
  assert.deepEqual(splitBySize([20, 1], (n) => n, 20), [[20], [1]]);
  assert.deepEqual(splitBySize([], (n: number) => n, 20), []);
});

Deno.test("[store:kv] chunks - seq lookup at chunk edges, gaps (change seqs) included", async () => {
  await withKv(async (kv) => {
    // Chunks [1,2,3] [4] [5,6,8,9]: seq 7 belongs to a change record, not a message.
    await kv.set(chunkKey("r", 1), [msg(1), msg(2), msg(3)]);
    await kv.set(chunkKey("r", 4), [msg(4)]);
    await kv.set(chunkKey("r", 5), [msg(5), msg(6), msg(8), msg(9)]);
    await kv.set(chunkKey("other", 1), [msg(1)]);
    assert.equal(await chunkAt(kv, "r", 0), null);
    for (const [seq, first] of [[1, 1], [3, 1], [4, 4], [5, 5], [7, 5], [9, 5], [10, 5]]) {
      assert.equal((await chunkAt(kv, "r", seq))?.key[2], first, `seq ${seq}`);
    }
    assert.equal((await messageAt(kv, "r", 3))?.message.seq, 3);
    assert.equal((await messageAt(kv, "r", 4))?.index, 0);
    assert.equal(await messageAt(kv, "r", 7), null);
    assert.equal(await messageAt(kv, "r", 10), null);
    const up = async (low: number, high: number) =>
      (await Array.fromAsync(ascending(kv, "r", low, high))).map((m) => m.seq);
    const down = async (low: number, high: number) =>
      (await Array.fromAsync(descending(kv, "r", low, high))).map((m) => m.seq);
    assert.deepEqual(await up(1, 100), [1, 2, 3, 4, 5, 6, 8, 9]);
    assert.deepEqual(await up(3, 6), [3, 4, 5]);
    assert.deepEqual(await up(4, 5), [4]);
    assert.deepEqual(await up(7, 9), [8]);
    assert.deepEqual(await up(10, 20), []);
    assert.deepEqual(await down(1, 100), [9, 8, 6, 5, 4, 3, 2, 1]);
    assert.deepEqual(await down(3, 6), [5, 4, 3]);
    assert.deepEqual(await down(2, 4), [3, 2]);
    assert.deepEqual(await down(1, 1), []);
  });
});

Deno.test("[store:kv] appendMessage - one commit's messages of a room share chunks, each under KV's value limit", async () => {
  await withKv(async (kv) => {
    const appender = kvAppender(kv);
    const author = randomUserRef();
    // 60 messages of 1,800 two-byte characters at once: one commit, split by size into several chunks.
    const inputs = Array.from({ length: 60 }, () => randomMessage("r", author, { text: "가".repeat(1_800) }));
    const small = Array.from({ length: 8 }, () => randomMessage("s", author));
    const results = await Promise.all([...inputs, ...small].map((i) => appender.append(i)));
    assert.deepEqual(
      results.slice(0, 60).map((r) => r.message.seq),
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    const chunks = await Array.fromAsync(kv.list<Message[]>({ prefix: ["msgs", "r"] }));
    assert.ok(chunks.length > 1 && chunks.length < 60, `${chunks.length} chunks`);
    let next = 1;
    for (const { key, value } of chunks) {
      assert.equal(key[2], value[0].seq);
      for (const m of value) assert.equal(m.seq, next++);
      const bytes = value.reduce((n, m) => n + messageBytes(m), 0);
      assert.ok(bytes <= CHUNK_BYTES + messageBytes(value[0]), `${bytes} bytes`);
      // Measured: the value as V8 serializes it (what KV stores).
      assert.ok(serialize(value).length < 60_000, `${serialize(value).length} serialized bytes`);
    }
    // Eight small messages of one commit: one row.
    const [first, ...rest] = await Array.fromAsync(kv.list<Message[]>({ prefix: ["msgs", "s"] }));
    assert.equal(rest.length, 0);
    assert.equal(first.value.length, 8);
  });
});

Deno.test("[store:kv] changeMessage - a message that grows past the chunk's size splits its chunk, nothing lost", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_chunks_" });
  const store = await openKvStore(`${dir}/store.kv`);
  const kv = await Deno.openKv(`${dir}/store.kv`);
  try {
    const room = (await createPublic(store)).id;
    const author = randomUserRef();
    const results = await Promise.all(
      Array.from(
        { length: 6 },
        () => store.appendMessage(randomMessage(room, author, { text: "a".repeat(2_400) })),
      ),
    );
    const rows = async () => (await Array.fromAsync(kv.list<Message[]>({ prefix: ["msgs", room] })));
    const before = await rows();
    const target = results[3].message;
    const held = before.find((c) => c.value.some((m) => m.seq === target.seq))!;
    assert.ok(held.value.length > 1, "the target shares its chunk");
    const edit = await store.changeMessage({
      room,
      id: target.id,
      by: author,
      change: { op: "edit", text: "b".repeat(12_000) },
    });
    const after = await rows();
    assert.equal(after.length, before.length + 1);
    for (const { key, value } of after) {
      assert.equal(key[2], value[0].seq);
      assert.ok(serialize(value).length < 60_000);
    }
    const messages = await store.listMessages(room, { after: 0, limit: 10 });
    assert.deepEqual(messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(messages.find((m) => m.seq === target.seq), edit.message);
    assert.deepEqual(await store.getMessage(room, target.id), edit.message);
    for (const { message } of results) {
      if (message.seq !== target.seq) assert.deepEqual(await store.getMessage(room, message.id), message);
    }
  } finally {
    kv.close();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
