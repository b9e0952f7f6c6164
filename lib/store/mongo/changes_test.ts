/**
 * A message that fell behind its newest version (FerretDB's filtered replace is not atomic between
 * clients, so a late writer of an older version can land after a newer one) is brought back by the
 * next change instead of holding every later change in a loop until the store's bound.
 */
import assert from "node:assert/strict";
import { MongoClient } from "mongodb";
import { sharedFerretDB } from "@/tests/support/ferretdb.ts";
import { openMongoStore } from "./mod.ts";
import { type MessageDoc, messageKey, type MessageRevDoc } from "./docs.ts";
import { createPublic, randomMessage, randomUserRef } from "../contract/data.ts";

const server = sharedFerretDB();
const baseUri = await server.get();

/** A fresh database, its store, and the raw collections to rewind a message by hand. */
async function fresh() {
  const uri = baseUri.replace(/\/[^/?]*(\?|$)/, `/parley_changes_${crypto.randomUUID().slice(0, 8)}$1`);
  const store = await openMongoStore(uri);
  const client = new MongoClient(uri);
  const db = client.db();
  return {
    store,
    messages: db.collection<MessageDoc>("messages"),
    revs: db.collection<MessageRevDoc>("messageRevs"),
    async close() {
      await client.close();
      await store.drop();
      await store.close();
    },
  };
}

/**
 * A message reacted to twice whose document then went back to version 1, as a late write of it
 * landing after version 2 leaves it.
 */
async function rewoundMessage(t: Awaited<ReturnType<typeof fresh>>) {
  const room = (await createPublic(t.store)).id;
  const { message } = await t.store.appendMessage(randomMessage(room, randomUserRef(), { text: "first" }));
  const react = (emoji: string) =>
    t.store.changeMessage({ room, id: message.id, by: randomUserRef(), change: { op: "react", emoji } });
  const key = messageKey(room, message.seq);
  await react("👍");
  const v1 = await t.messages.findOne({ _id: key });
  await react("🎉");
  await t.messages.replaceOne({ _id: key }, v1!);
  return { key, react };
}

Deno.test("[store:mongo] changeMessage - a message rewound to an older version is brought forward", async () => {
  const t = await fresh();
  try {
    const { key, react } = await rewoundMessage(t);
    const third = await react("❤️");
    assert.deepEqual(third.message.reactions?.map((r) => r.emoji), ["👍", "🎉", "❤️"]);
    assert.equal((await t.messages.findOne({ _id: key }))?.v, 3);
    // Only the newest claim keeps a document: the message as it is now.
    const kept = await t.revs.find({ msg: key, next: { $exists: true } }).toArray();
    assert.deepEqual(kept.map((r) => r.v), [3]);
  } finally {
    await t.close();
  }
});

Deno.test("[store:mongo] changeMessage - behind claims emptied by older code, the message moves on", async () => {
  const t = await fresh();
  try {
    const { key, react } = await rewoundMessage(t);
    // As older code left them: claims without their document or version fields.
    await t.revs.updateMany({}, { $unset: { next: "", msg: "", v: "" } });
    const third = await react("❤️");
    assert.deepEqual(third.message.reactions?.map((r) => r.emoji), ["👍", "❤️"]);
    assert.equal((await t.messages.findOne({ _id: key }))?.v, 3);
  } finally {
    await t.close();
  }
});
