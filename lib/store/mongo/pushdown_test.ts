/**
 * Reads of messages stay fast as the collection grows: FerretDB 1.24 (SQLite) scans the whole
 * collection for any filter it does not push down, and pushes down only an exact `_id`. So every
 * find the hot paths issue must be one that FerretDB's `explain` reports as `filterPushdown`.
 */
import assert from "node:assert/strict";
import { type Collection, type Db, MongoClient } from "mongodb";
import { sharedFerretDB } from "@/tests/support/ferretdb.ts";
import { type Collections, collections, createIndexes } from "./docs.ts";
import { mongoMessages } from "./messages.ts";
import type { NewMessage } from "../types.ts";

const server = sharedFerretDB();
const baseUri = await server.get();

interface Find {
  collection: string;
  filter: Record<string, unknown>;
}

/** `c` whose finds are recorded in `finds` (the store reads with findOne only). */
function recording(c: Collections, finds: Find[]): Collections {
  const wrap = <T extends Collection>(collection: T): T =>
    new Proxy(collection, {
      get(target, key, receiver) {
        if (key !== "findOne" && key !== "find") return Reflect.get(target, key, receiver);
        return (filter: Record<string, unknown>, ...rest: unknown[]) => {
          finds.push({ collection: target.collectionName, filter });
          return (target[key] as (...args: unknown[]) => unknown).call(target, filter, ...rest);
        };
      },
    });
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, wrap(v)])) as unknown as Collections;
}

async function pushedDown(db: Db, { collection, filter }: Find): Promise<boolean> {
  const plan = await db.command({ explain: { find: collection, filter }, verbosity: "queryPlanner" });
  return plan.filterPushdown === true;
}

function text(room: string, clientId: string, authorId = "u1"): NewMessage {
  return { room, kind: "text", author: { id: authorId, name: "u", role: "guest" }, clientId, text: clientId };
}

Deno.test("[store:mongo] pushdown - history pages, the last seq and resends read by exact _id only", async () => {
  const client = new MongoClient(`${baseUri}parley_pushdown_${crypto.randomUUID().slice(0, 8)}`);
  const db = client.db();
  try {
    const c = collections(db);
    await createIndexes(c);
    const finds: Find[] = [];
    const messages = mongoMessages(recording(c, finds));
    await c.rooms.insertMany(
      ["r1", "r2"].map((_id) => ({ _id, name: _id, nameLower: _id, seq: 0 } as never)),
    );
    await messages.importMessages!(Array.from({ length: 300 }, (_, i) => text("r2", `other${i}`, "u2")));
    for (let i = 1; i <= 30; i++) await messages.appendMessage(text("r1", `m${i}`));
    // A hint left behind (a crash between an insert and its `$max`): the last seq is searched for.
    await c.rooms.updateOne({ _id: "r1" }, { $set: { seq: 3 } });
    finds.length = 0;

    assert.equal(await messages.lastSeqOf((await c.rooms.findOne({ _id: "r1" }))!), 30);
    assert.deepEqual((await messages.listMessages("r1", { limit: 5 })).map((m) => m.seq), [
      26,
      27,
      28,
      29,
      30,
    ]);
    assert.deepEqual((await messages.listMessages("r1", { after: 10, limit: 3 })).map((m) => m.seq), [
      11,
      12,
      13,
    ]);
    assert.deepEqual((await messages.listMessages("r1", { before: 3, limit: 5 })).map((m) => m.seq), [1, 2]);
    // Resends, found by their markers; the same clientId of another author is another message.
    assert.equal((await messages.appendMessage(text("r1", "m30"))).duplicate, true);
    assert.equal((await messages.appendMessage(text("r1", "m5"))).message.seq, 5);
    assert.equal((await messages.appendMessage(text("r1", "other7"))).message.seq, 31, "another author's");
    // u2 used "other7" in r2, not here: a clientId is unique per room and author (issue 10, item 7).
    const elsewhere = await messages.appendMessage(text("r1", "other7", "u2"));
    assert.deepEqual([elsewhere.message.room, elsewhere.message.seq, elsewhere.duplicate], ["r1", 32, false]);

    assert.ok(finds.length > 10, `recorded ${finds.length} finds`);
    for (const find of finds) {
      assert.ok(await pushedDown(db, find), `not pushed down: ${JSON.stringify(find)}`);
    }
  } finally {
    await db.dropDatabase();
    await client.close();
  }
});

Deno.test("[store:mongo] pushdown - a resend whose marker is missing is still found", async () => {
  const client = new MongoClient(`${baseUri}parley_pushdown_${crypto.randomUUID().slice(0, 8)}`);
  const db = client.db();
  try {
    const c = collections(db);
    await createIndexes(c);
    const messages = mongoMessages(c);
    await c.rooms.insertOne({ _id: "r1", name: "r1", nameLower: "r1", seq: 0 } as never);
    for (let i = 1; i <= 5; i++) await messages.appendMessage(text("r1", `m${i}`));
    // As after a crash between a message's insert and its marker's.
    await c.clientIds.deleteMany({});
    const again = await messages.appendMessage(text("r1", "m2"));
    assert.deepEqual([again.duplicate, again.message.seq], [true, 2]);
    assert.equal((await messages.appendMessage(text("r1", "m6"))).message.seq, 6);
    assert.equal(await c.messages.countDocuments({ room: "r1" }), 6);
  } finally {
    await db.dropDatabase();
    await client.close();
  }
});
