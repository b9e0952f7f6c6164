import assert from "node:assert/strict";
import { clientIdHash, EMPTY_RING, RING_SIZE, ringLength, ringSeq, ringWith, RoomMemory } from "./rings.ts";

Deno.test("[store:kv] rings - keep the last RING_SIZE clientIds with their seqs, oldest dropped first", () => {
  const ids = Array.from({ length: RING_SIZE + 10 }, () => crypto.randomUUID());
  let ring = EMPTY_RING;
  // Added a few per commit, as the appender does.
  for (let i = 0; i < ids.length; i += 7) {
    ring = ringWith(ring, ids.slice(i, i + 7), ids.slice(i, i + 7).map((_, n) => 100 + i + n));
  }
  assert.equal(ringLength(ring), RING_SIZE);
  assert.equal(ring.byteLength, RING_SIZE * 16);
  for (let i = 0; i < 10; i++) assert.equal(ringSeq(ring, ids[i]), undefined);
  for (let i = 10; i < ids.length; i++) assert.equal(ringSeq(ring, ids[i]), 100 + i);
  assert.equal(ringSeq(ring, "never-sent"), undefined);
  // More at once than the ring holds: the newest stay.
  const many = Array.from({ length: RING_SIZE + 3 }, (_, n) => `c${n}`);
  const full = ringWith(ring, many, many.map((_, n) => n));
  assert.equal(ringSeq(full, "c2"), undefined);
  assert.equal(ringSeq(full, "c3"), 3);
  assert.equal(ringSeq(full, ids.at(-1)!), undefined);
  // A ring read back from KV may sit at any offset of its buffer.
  const moved = new Uint8Array(ring.byteLength + 3);
  moved.set(ring, 3);
  assert.equal(ringSeq(moved.subarray(3), ids[20]), 120);
});

Deno.test("[store:kv] rings - hashes of 200,000 distinct clientIds do not collide", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 100_000; i++) {
    for (const id of [crypto.randomUUID(), `c-${i}`]) seen.add(clientIdHash(id).join(":"));
  }
  assert.equal(seen.size, 200_000);
});

Deno.test("[store:kv] rings - a handle's memory drops rings past its bound, least recently used room first", () => {
  const memory = new RoomMemory(3);
  for (const room of ["a", "b"]) memory.set(room, { seq: 1, versionstamp: "v", rings: new Map() });
  memory.putRing("a", "u1", EMPTY_RING);
  memory.putRing("a", "u2", EMPTY_RING);
  memory.putRing("b", "u1", EMPTY_RING);
  memory.putRing("b", "u2", EMPTY_RING);
  // Room a's rings went (its counter stays); room b, just written, keeps its own.
  assert.equal(memory.get("a")?.rings.size, 0);
  assert.equal(memory.get("a")?.seq, 1);
  assert.equal(memory.get("b")?.rings.size, 2);
  memory.forget("b");
  assert.equal(memory.has("b"), false);
});
