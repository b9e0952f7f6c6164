/**
 * The MongoDB store when the database is slow or stops answering: every call ends within its bound
 * as StoreUnavailableError, a stalled append never holds up the room's later appends, and the room's
 * last seq costs one read however busy the room is.
 */
import assert from "node:assert/strict";
import { MongoClient } from "mongodb";
import { sharedFerretDB, startFerretDB } from "@/tests/support/ferretdb.ts";
import { StoreUnavailableError } from "@/lib/store/errors.ts";
import { openMongoStore } from "./mod.ts";
import { mongoMessages } from "./messages.ts";
import type { Collections, MessageDoc } from "./docs.ts";
import type { NewMessage } from "../types.ts";

const server = sharedFerretDB();
const baseUri = await server.get();

function text(room: string, clientId: string): NewMessage {
  return { room, kind: "text", author: { id: "u1", name: "u", role: "guest" }, clientId, text: clientId };
}

/** Just enough of the collections for appends, in memory; the first `hang` inserts never settle. */
function memoryCollections(hang: number) {
  const docs: MessageDoc[] = [];
  const stuck = Promise.withResolvers<void>();
  let seq = 0;
  const c = {
    messages: {
      insertOne(doc: MessageDoc) {
        if (hang-- > 0) {
          stuck.resolve(); // the append is now inside the database call that never answers
          return new Promise(() => {});
        }
        docs.push(doc);
        return Promise.resolve({ acknowledged: true });
      },
      findOne: () => Promise.resolve(null),
    },
    clientIds: { insertMany: () => Promise.resolve({}) },
    messageIds: { insertMany: () => Promise.resolve({}) },
    rooms: {
      findOne: () => Promise.resolve({ seq }),
      updateOne: (_filter: unknown, update: { $max: { seq: number } }) => {
        seq = Math.max(seq, update.$max.seq);
        return Promise.resolve({});
      },
    },
  };
  return { c: c as unknown as Collections, docs, stuck: stuck.promise };
}

Deno.test("[store:mongo] stall - an append that never settles does not hold up the room's next one", async () => {
  const { c, docs, stuck } = memoryCollections(1);
  const messages = mongoMessages(c, { timeoutMs: 300 });
  const t0 = Date.now();
  const hung = messages.appendMessage(text("r1", "hung"));
  await stuck;
  const next = await messages.appendMessage(text("r1", "next"));
  assert.equal(next.message.seq, 1);
  assert.ok(Date.now() - t0 < 1_000, `the next append waited ${Date.now() - t0} ms`);
  await assert.rejects(hung, StoreUnavailableError);
  assert.deepEqual(docs.map((d) => d.clientId), ["next"]);
});

Deno.test("[store:mongo] stall - a SIGSTOPped server gives unavailable within the bound, and recovery after", async () => {
  const db = await startFerretDB();
  try {
    const store = await openMongoStore(`${db.uri}parley_stall`, { opTimeoutMs: 1_500 });
    try {
      const room = await store.createRoom({ name: "stall", visibility: "public", ownerId: "u1" });
      await store.appendMessage(text(room.id, "before"));
      db.pause();
      const t0 = Date.now();
      await assert.rejects(store.appendMessage(text(room.id, "during")), StoreUnavailableError);
      await assert.rejects(store.getRoom(room.id), StoreUnavailableError);
      await assert.rejects(store.listMessages(room.id, { limit: 10 }), StoreUnavailableError);
      assert.ok(Date.now() - t0 < 6_000, `took ${Date.now() - t0} ms`);
      db.resume();
      // The client sends the timed-out message again, with its clientId, until it is acknowledged.
      const deadline = Date.now() + 15_000;
      let again;
      while (!again) {
        again = await store.appendMessage(text(room.id, "during")).catch((error) => {
          if (!(error instanceof StoreUnavailableError) || Date.now() > deadline) throw error;
          return undefined;
        });
      }
      const after = await store.appendMessage(text(room.id, "after"));
      const all = await store.listMessages(room.id, { limit: 10 });
      assert.deepEqual(all.map((m) => m.text), ["before", "during", "after"]);
      assert.deepEqual(all.map((m) => m.seq), [1, 2, 3]);
      assert.equal(after.message.seq, 3);
    } finally {
      await store.close();
    }
  } finally {
    db.resume();
    await db.stop();
  }
});

Deno.test("[store:mongo] lastSeq - one read finds the end however far the room's hint lags", async () => {
  const uri = `${baseUri}parley_hint_${crypto.randomUUID().slice(0, 8)}`;
  const store = await openMongoStore(uri);
  const raw = new MongoClient(uri);
  try {
    const room = await store.createRoom({ name: "hint", visibility: "public", ownerId: "u1" });
    for (let i = 0; i < 120; i++) await store.appendMessage(text(room.id, `m${i}`));
    // As after crashes between inserts and their hint updates (or a busy room's appends racing a
    // reader): the hint says 0. The old walk took one collection scan per message behind it.
    await raw.db().collection<{ _id: string; seq: number }>("rooms").updateOne({ _id: room.id }, {
      $set: { seq: 0 },
    });
    let t = performance.now();
    for (let i = 0; i < 3; i++) await store.listMessages(room.id, { limit: 1 });
    const scanMs = (performance.now() - t) / 3;
    t = performance.now();
    const got = await store.getRoom(room.id);
    const ms = performance.now() - t;
    assert.equal(got?.lastSeq, 120);
    assert.ok(ms < scanMs * 10 + 100, `getRoom took ${ms.toFixed(0)} ms, one scan ${scanMs.toFixed(0)} ms`);
    assert.equal((await store.getRoom(room.id))?.lastSeq, 120);
    const hint = await raw.db().collection<{ _id: string; seq: number }>("rooms").findOne({ _id: room.id });
    assert.equal(hint?.seq, 120, "the hint is repaired");
  } finally {
    await raw.db().dropDatabase();
    await raw.close();
    await store.close();
  }
});
