/**
 * The message part of the store contract (see `contract.ts`): seq assignment, gap-freedom under
 * concurrency, idempotent appends, history pages.
 */
import assert from "node:assert/strict";
import type { Store } from "../types.ts";
import { toSnapshot } from "@/lib/programs/programs.ts";
import {
  type ContractOptions,
  type ContractTest,
  createPublic,
  randomMessage,
  randomProgram,
  randomUserRef,
} from "./data.ts";

/**
 * Appends `total` messages to one room from `writers` concurrent writers spread over `stores`, and
 * checks the room then holds exactly seqs 1…total, each once.
 */
export async function assertGapFreeAppends(stores: Store[], total: number, writers: number) {
  const room = (await createPublic(stores[0])).id;
  const authors = Array.from({ length: writers }, () => randomUserRef());
  const results = await Promise.all(
    Array.from(
      { length: total },
      (_, i) => stores[i % stores.length].appendMessage(randomMessage(room, authors[i % writers])),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.message.seq).sort((a, b) => a - b),
    Array.from({ length: total }, (_, i) => i + 1),
  );
  assert.ok(results.every((r) => !r.duplicate));
  const stored = await stores[0].listMessages(room, { after: 0, limit: total + 10 });
  assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: total }, (_, i) => i + 1));
  assert.equal((await stores[0].getRoom(room))?.lastSeq, total);
  assert.equal(new Set(stored.map((m) => m.id)).size, total);
}

export function registerMessageContract(test: ContractTest, options: ContractOptions): void {
  test("appendMessage - assigns the next seq, starting at 1", async (store) => {
    const room = (await createPublic(store)).id;
    const other = (await createPublic(store)).id;
    const author = randomUserRef();
    const first = await store.appendMessage(randomMessage(room, author, { text: "one" }));
    assert.equal(first.duplicate, false);
    assert.deepEqual(Object.keys(first.message).sort(), [
      "at",
      "author",
      "id",
      "kind",
      "room",
      "seq",
      "text",
    ]);
    assert.equal(first.message.seq, 1);
    assert.equal(first.message.room, room);
    assert.deepEqual(first.message.author, author);
    assert.match(first.message.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.ok(Math.abs(Date.parse(first.message.at) - Date.now()) < 60_000);
    assert.equal((await store.appendMessage(randomMessage(room, author))).message.seq, 2);
    assert.equal((await store.appendMessage(randomMessage(other, author))).message.seq, 1);
    assert.equal((await store.getRoom(room))?.lastSeq, 2);
    assert.deepEqual((await store.listMessages(room, { limit: 1, after: 0 }))[0], first.message);
  });

  test("appendMessage - stores program cards and system messages as given", async (store) => {
    const room = (await createPublic(store)).id;
    const p = randomProgram();
    const snapshot = toSnapshot(p);
    const card = await store.appendMessage(
      randomMessage(room, randomUserRef("counselor"), {
        kind: "program",
        text: undefined,
        program: snapshot,
      }),
    );
    assert.deepEqual(card.message.program, snapshot);
    assert.equal("text" in card.message, false);
    const sys = await store.appendMessage(
      randomMessage(room, { id: "system", name: "Parley", role: "user" }, {
        kind: "system",
        text: "Alice joined",
      }),
    );
    assert.deepEqual(await store.listMessages(room, { limit: 10 }), [card.message, sys.message]);
  });

  test("appendMessage - a system line's notice comes back intact, on append, history and import", async (store) => {
    const room = (await createPublic(store)).id;
    const mina = randomUserRef("counselor");
    const notice = { key: "support.transferred" as const, name: "김민아", to: "jun" };
    const text = "김민아 handed the conversation to jun";
    const sys = await store.appendMessage(randomMessage(room, mina, { kind: "system", text, notice }));
    assert.deepEqual(sys.message.notice, notice);
    assert.equal(sys.message.text, text);
    // Without `to`: no empty field appears (KV and MongoDB would differ on undefined).
    const joined = await store.appendMessage(
      randomMessage(room, mina, {
        kind: "system",
        text: "x",
        notice: { key: "support.joined", name: "mina" },
      }),
    );
    assert.deepEqual(Object.keys(joined.message.notice ?? {}).sort(), ["key", "name"]);
    assert.deepEqual(await store.listMessages(room, { limit: 10 }), [
      sys.message,
      joined.message,
    ]);
    if (!store.importMessages) return;
    const other = (await createPublic(store)).id;
    await store.importMessages([randomMessage(other, mina, { kind: "system", text, notice })]);
    assert.deepEqual((await store.listMessages(other, { limit: 1 }))[0].notice, notice);
  });

  test("appendMessage - seq is gap-free under 200 concurrent appends", async (store) => {
    await assertGapFreeAppends([store], 200, 8);
  });

  if (options.twin) {
    const twin = options.twin;
    test("appendMessage - seq is gap-free with two store instances appending at once", async (store) => {
      const other = await twin(store);
      try {
        await assertGapFreeAppends([store, other], 200, 8);
      } finally {
        await other.close();
      }
    });

    test("appendMessage - identical appends racing on two store instances store one message", async (store) => {
      const other = await twin(store);
      try {
        const room = (await createPublic(store)).id;
        const input = randomMessage(room);
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => [store, other][i % 2].appendMessage(input)),
        );
        assert.equal(results.filter((r) => !r.duplicate).length, 1);
        assert.equal(new Set(results.map((r) => r.message.id)).size, 1);
        assert.deepEqual((await other.listMessages(room, { limit: 10 })).map((m) => m.seq), [1]);
      } finally {
        await other.close();
      }
    });
  }

  test("appendMessage - a repeated (author, clientId) returns the stored message", async (store) => {
    const room = (await createPublic(store)).id;
    const input = randomMessage(room);
    const first = await store.appendMessage(input);
    const again = await store.appendMessage({ ...input, text: "changed on retry" });
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.message, first.message);
    // Another author may use the same clientId.
    const other = await store.appendMessage({ ...input, author: randomUserRef() });
    assert.equal(other.duplicate, false);
    assert.equal(other.message.seq, 2);
    assert.equal((await store.listMessages(room, { limit: 10 })).length, 2);
  });

  test("appendMessage - racing identical appends store one message", async (store) => {
    const room = (await createPublic(store)).id;
    const input = randomMessage(room);
    const results = await Promise.all(Array.from({ length: 10 }, () => store.appendMessage(input)));
    assert.equal(results.filter((r) => !r.duplicate).length, 1);
    assert.equal(new Set(results.map((r) => r.message.id)).size, 1);
    assert.ok(results.every((r) => r.message.seq === 1));
    assert.equal((await store.listMessages(room, { limit: 10 })).length, 1);
    assert.equal((await store.getRoom(room))?.lastSeq, 1);
  });

  test("listMessages - pages by before/after, oldest first", async (store) => {
    const room = (await createPublic(store)).id;
    const author = randomUserRef();
    for (let i = 0; i < 10; i++) await store.appendMessage(randomMessage(room, author));
    const seqs = async (o: { before?: number; after?: number; limit: number }) =>
      (await store.listMessages(room, o)).map((m) => m.seq);
    assert.deepEqual(await seqs({ limit: 3 }), [8, 9, 10]);
    assert.deepEqual(await seqs({ limit: 100 }), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(await seqs({ before: 5, limit: 3 }), [2, 3, 4]);
    assert.deepEqual(await seqs({ before: 3, limit: 5 }), [1, 2]);
    assert.deepEqual(await seqs({ after: 7, limit: 10 }), [8, 9, 10]);
    assert.deepEqual(await seqs({ after: 2, limit: 3 }), [3, 4, 5]);
    assert.deepEqual(await seqs({ after: 2, before: 6, limit: 10 }), [3, 4, 5]);
    assert.deepEqual(await seqs({ after: 10, limit: 10 }), []);
    assert.deepEqual(await seqs({ before: 1, limit: 10 }), []);
    assert.deepEqual(await store.listMessages("no-such-room", { limit: 10 }), []);
  });
  test("importMessages - appends in order after what is stored, as appendMessage would", async (store) => {
    if (!store.importMessages) return;
    const room = (await createPublic(store)).id;
    const author = randomUserRef();
    await store.appendMessage(randomMessage(room, author));
    const inputs = Array.from({ length: 1_234 }, () => randomMessage(room, author));
    assert.equal(await store.importMessages(inputs), inputs.length);
    assert.equal((await store.getRoom(room))?.lastSeq, 1_235);
    const page = await store.listMessages(room, { after: 1_000, limit: 3 });
    assert.deepEqual(
      page.map((m) => [m.seq, m.text]),
      [1_001, 1_002, 1_003].map((seq) => [seq, inputs[seq - 2].text]),
    );
    // The clientIds are taken: a retry of an imported message is a duplicate, and the next seq follows.
    const again = await store.appendMessage(inputs[10]);
    assert.equal(again.duplicate, true);
    assert.equal(again.message.seq, 12);
    assert.equal((await store.appendMessage(randomMessage(room, author))).message.seq, 1_236);
  });
}
