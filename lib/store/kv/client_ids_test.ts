import assert from "node:assert/strict";
import {
  clientIdHash,
  emptyHistory,
  historySeq,
  loadHistory,
  planAppend,
  SEGMENT_BYTES,
  segmentKey,
  segmentsWritten,
} from "./client_ids.ts";
import { RoomMemory } from "./room_memory.ts";
import { SeqIndex } from "./seq_index.ts";

Deno.test("[store:kv] client ids - segments of 32 entries, written from the last on, read back whole", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const ids = Array.from({ length: 100 }, () => crypto.randomUUID());
    const history = emptyHistory();
    const written: number[][] = [];
    // A few per commit, as the appender adds them; 31, 32 and 33 are crossed on the way.
    for (const size of [1, 29, 1, 1, 1, 40, 27]) {
      const from = history.count;
      const plan = planAppend(
        history,
        ids.slice(from, from + size),
        ids.slice(from, from + size).map((_, n) => from + n + 1),
      );
      assert.equal(plan.writes.length, segmentsWritten(from % 32, size));
      written.push(plan.writes.map(([segment]) => segment));
      const op = kv.atomic();
      for (const [segment, bytes] of plan.writes) op.set(segmentKey("r", "u", segment), bytes);
      assert.ok((await op.commit()).ok);
      // Nothing changes before the commit is known.
      assert.equal(history.count, from);
      plan.apply();
    }
    // Entry 31 (seq 31) and 32 share segment 0; 33 starts segment 1; only the last ones are rewritten.
    assert.deepEqual(written, [[0], [0], [0], [0], [1], [1, 2], [2, 3]]);
    assert.equal(history.count, 100);
    const rows = await Array.fromAsync(kv.list<Uint8Array>({ prefix: ["clientIds", "r", "u"] }));
    assert.deepEqual(rows.map((r) => r.value.byteLength), [
      SEGMENT_BYTES,
      SEGMENT_BYTES,
      SEGMENT_BYTES,
      4 * 16,
    ]);
    const loaded = await loadHistory(kv, "r", "u");
    assert.equal(loaded.count, 100);
    assert.deepEqual(loaded.tail, history.tail);
    ids.forEach((id, n) => {
      assert.equal(historySeq(history, id), n + 1);
      assert.equal(historySeq(loaded, id), n + 1);
    });
    assert.equal(historySeq(loaded, "never-sent"), undefined);
    // A stale copy is brought up to date from its last segment on.
    const stale = await loadHistory(kv, "r", "u");
    const more = ["x", "y"];
    const plan = planAppend(loaded, more, [101, 102]);
    await kv.set(segmentKey("r", "u", plan.writes[0][0]), plan.writes[0][1]);
    assert.equal(historySeq(stale, "x"), undefined);
    await loadHistory(kv, "r", "u", stale);
    assert.equal(stale.count, 102);
    assert.equal(historySeq(stale, "y"), 102);
    assert.equal(historySeq(stale, ids[0]), 1);
  } finally {
    kv.close();
  }
});

Deno.test("[store:kv] client ids - hashes of 200,000 distinct clientIds do not collide", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 100_000; i++) {
    for (const id of [crypto.randomUUID(), `c-${i}`]) seen.add(clientIdHash(id).join(":"));
  }
  assert.equal(seen.size, 200_000);
});

Deno.test("[store:kv] client ids - a handle's memory drops histories past its bound of entries, least recently used first", () => {
  const memory = new RoomMemory(100);
  const sized = (n: number) => {
    const history = emptyHistory();
    planAppend(
      history,
      Array.from({ length: n }, (_, i) => `c${i}`),
      Array.from({ length: n }, (_, i) => i + 1),
    )
      .apply();
    return history;
  };
  for (const room of ["a", "b"]) memory.read(room, 1, "v");
  memory.put("a", "u1", sized(40), memory.get("a")!.epoch);
  memory.put("a", "u2", sized(40), memory.get("a")!.epoch);
  memory.history("a", "u1"); // used: u2 is now the least recently used
  memory.put("b", "u1", sized(30), memory.get("b")!.epoch);
  assert.equal(memory.entries, 70);
  assert.equal(memory.history("a", "u2"), undefined);
  assert.equal(memory.history("a", "u1")?.current, true);
  // One history larger than the bound is still kept (it is in use); the others go.
  memory.put("b", "u2", sized(150), memory.get("b")!.epoch);
  assert.equal(memory.entries, 150);
  assert.equal(memory.history("a", "u1"), undefined);
  // A counter read again: the room's histories are kept, but no longer current (brought up to date
  // before use); this handle's own commit keeps them current.
  memory.advance("b", 2, "w");
  assert.equal(memory.history("b", "u2")?.current, true);
  memory.read("b", 5, "x");
  assert.equal(memory.history("b", "u2")?.current, false);
  assert.equal(memory.get("b")?.seq, 5);
});

Deno.test("[store:kv] client ids - the seq index grows, replaces, and tells hashes that share a half apart", () => {
  const index = new SeqIndex(2);
  const hashes = Array.from({ length: 5_000 }, (_, i) => clientIdHash(`c-${i}`));
  hashes.forEach(([a, b], i) => index.set(a, b, i + 1));
  // Same first half (the slot), other second half: another entry.
  index.set(hashes[0][0], hashes[0][1] ^ 1, 9_999);
  index.set(hashes[1][0], hashes[1][1], 42);
  assert.equal(index.size, 5_001);
  hashes.forEach(([a, b], i) => assert.equal(index.get(a, b), i === 1 ? 42 : i + 1));
  assert.equal(index.get(hashes[0][0], hashes[0][1] ^ 1), 9_999);
  assert.equal(index.get(hashes[0][0], hashes[0][1] ^ 2), undefined);
});
