/**
 * The group-commit part of the store contract: appends of many rooms that arrive together (one
 * store write, or as few as the database allows) keep every per-message guarantee, and a clientId
 * is unique per room and author (the same clientId in another room is another message).
 */
import assert from "node:assert/strict";
import type { AppendResult } from "../types.ts";
import { type ContractTest, createPublic, randomMessage, randomUserRef } from "./data.ts";

export function registerBatchContract(test: ContractTest): void {
  test("appendMessage - many rooms at once: each room's seqs follow the order of its calls", async (store) => {
    const rooms = await Promise.all(Array.from({ length: 12 }, () => createPublic(store)));
    const author = randomUserRef();
    const inputs = Array.from(
      { length: 6 },
      (_, i) => rooms.map((r) => randomMessage(r.id, author, { text: `${i}` })),
    )
      .flat();
    // Called in one turn, so the store may carry them in as few writes as it likes.
    const results = await Promise.all(inputs.map((input) => store.appendMessage(input)));
    for (const room of rooms) {
      const mine = results.filter((r) => r.message.room === room.id);
      assert.deepEqual(mine.map((r) => r.message.seq), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(mine.map((r) => r.message.text), ["0", "1", "2", "3", "4", "5"]);
      const stored = await store.listMessages(room.id, { after: 0, limit: 10 });
      assert.deepEqual(stored, mine.map((r) => r.message));
      assert.equal((await store.getRoom(room.id))?.lastSeq, 6);
    }
    assert.ok(results.every((r) => !r.duplicate));
  });

  test("appendMessage - the same clientId in another room is another message", async (store) => {
    const [a, b] = await Promise.all([createPublic(store), createPublic(store)]);
    const author = randomUserRef();
    const inA = randomMessage(a.id, author, { clientId: "x", text: "to A" });
    const first = await store.appendMessage(inA);
    const inB = await store.appendMessage({ ...inA, room: b.id, text: "to B" });
    assert.equal(inB.duplicate, false);
    assert.equal(inB.message.room, b.id);
    assert.equal(inB.message.seq, 1);
    assert.equal(inB.message.text, "to B");
    assert.notEqual(inB.message.id, first.message.id);
    // Both at once in one batch too; and each repeat still finds its own room's message.
    const [c, d] = await Promise.all([createPublic(store), createPublic(store)]);
    const both = await Promise.all([
      store.appendMessage({ ...inA, room: c.id }),
      store.appendMessage({ ...inA, room: d.id }),
      store.appendMessage(inA),
    ]);
    assert.deepEqual(both.map((r) => [r.message.room, r.message.seq, r.duplicate]), [
      [c.id, 1, false],
      [d.id, 1, false],
      [a.id, 1, true],
    ]);
    assert.deepEqual(both[2].message, first.message);
    assert.equal((await store.listMessages(b.id, { limit: 10 })).length, 1);
  });

  test("appendMessage - a retry in a batch of new messages returns the stored one, the rest get the next seqs", async (store) => {
    const room = (await createPublic(store)).id;
    const other = (await createPublic(store)).id;
    const author = randomUserRef();
    const earlier = randomMessage(room, author);
    const stored = await store.appendMessage(earlier);
    const results: AppendResult[] = await Promise.all([
      store.appendMessage(randomMessage(other, author)),
      store.appendMessage(randomMessage(room, author)),
      store.appendMessage({ ...earlier }),
      store.appendMessage(randomMessage(room, author)),
    ]);
    assert.deepEqual(results.map((r) => [r.message.seq, r.duplicate]), [[1, false], [2, false], [1, true], [
      3,
      false,
    ]]);
    assert.deepEqual(results[2].message, stored.message);
    assert.deepEqual((await store.listMessages(room, { after: 0, limit: 10 })).map((m) => m.seq), [1, 2, 3]);
  });
}
