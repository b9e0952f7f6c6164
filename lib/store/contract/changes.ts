/**
 * The change part of the store contract: edits, deletes and reactions take their own seq in the
 * room's one gap-free order, history shows each message as it is now, and refusals change nothing.
 */
import assert from "node:assert/strict";
import type { Store } from "../types.ts";
import { isUpdate } from "../types.ts";
import { StoreConflictError, StoreForbiddenError, StoreNotFoundError } from "../errors.ts";
import {
  assertStoreError,
  type ContractOptions,
  type ContractTest,
  createPublic,
  randomMessage,
  randomUserRef,
} from "./data.ts";

async function roomWithMessage(store: Store) {
  const room = (await createPublic(store)).id;
  const author = randomUserRef();
  const { message } = await store.appendMessage(randomMessage(room, author, { text: "first" }));
  return { room, author, message };
}

export function registerChangeContract(test: ContractTest, options: ContractOptions): void {
  test("getMessage - by id in its own room only; a forged id names nothing; a change leaves its neighbours be", async (store) => {
    const room = (await createPublic(store)).id;
    const other = (await createPublic(store)).id;
    const author = randomUserRef();
    // Sent together: one batch (one KV chunk).
    const results = await Promise.all(
      Array.from({ length: 12 }, () => store.appendMessage(randomMessage(room, author))),
    );
    const messages = results.map((r) => r.message).sort((a, b) => a.seq - b.seq);
    for (const m of messages) assert.deepEqual(await store.getMessage(room, m.id), m);
    assert.equal(await store.getMessage(other, messages[0].id), null);
    // One character changed anywhere (the time, the middle, the end) and the id is nobody's (ids made
    // in one millisecond may differ in their last character only: such a change names a neighbour).
    const id = messages[5].id;
    const ids = new Set(messages.map((m) => m.id));
    for (const i of [0, 12, id.length - 1]) {
      const forged = [..."0123456789ABCDEFGHJKMNPQRSTVWXYZ"].map((c) => id.slice(0, i) + c + id.slice(i + 1))
        .find((f) => !ids.has(f))!;
      assert.equal(await store.getMessage(room, forged), null, forged);
      await assertStoreError(
        store.changeMessage({ room, id: forged, by: author, change: { op: "delete" } }),
        StoreNotFoundError,
        "not_found",
      );
    }
    const deleted = await store.changeMessage({ room, id, by: author, change: { op: "delete" } });
    assert.deepEqual(
      await store.listMessages(room, { after: 0, limit: 20 }),
      messages.map((m, i) => i === 5 ? deleted.message : m),
    );
  });

  test("changeMessage - an edit takes the next seq and history shows the new text", async (store) => {
    const { room, author, message } = await roomWithMessage(store);
    const edit = await store.changeMessage({
      room,
      id: message.id,
      by: author,
      change: { op: "edit", text: "fixed" },
    });
    assert.equal(edit.seq, message.seq + 1);
    assert.equal(edit.message.text, "fixed");
    assert.ok(edit.message.editedAt);
    assert.equal(edit.message.seq, message.seq);
    assert.equal((await store.getRoom(room))?.lastSeq, edit.seq);
    const [shown] = await store.listMessages(room, { limit: 10 });
    assert.deepEqual(shown, edit.message);
    assert.deepEqual(await store.getMessage(room, message.id), edit.message);
    // The next message comes after the change.
    const next = await store.appendMessage(randomMessage(room, author));
    assert.equal(next.message.seq, edit.seq + 1);
  });

  test("listEvents - replays messages and changes once each, in seq order", async (store) => {
    const { room, author, message } = await roomWithMessage(store);
    await store.changeMessage({ room, id: message.id, by: author, change: { op: "edit", text: "two" } });
    await store.appendMessage(randomMessage(room, author));
    await store.changeMessage({ room, id: message.id, by: author, change: { op: "react", emoji: "👍" } });
    const events = await store.listEvents(room, { after: 0, limit: 50 });
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4]);
    assert.deepEqual(events.map(isUpdate), [false, true, false, true]);
    const last = events[3];
    assert.ok(isUpdate(last));
    assert.equal(last.update.id, message.id);
    assert.equal(last.update.text, "two");
    assert.deepEqual(last.update.reactions, [{ emoji: "👍", users: [author] }]);
    assert.deepEqual((await store.listEvents(room, { after: 2, limit: 1 })).map((e) => e.seq), [3]);
    assert.deepEqual(await store.listEvents(room, { after: 4, limit: 10 }), []);
  });

  test("changeMessage - someone else's edit is forbidden and changes nothing", async (store) => {
    const { room, message } = await roomWithMessage(store);
    const other = randomUserRef();
    const edit = store.changeMessage({ room, id: message.id, by: other, change: { op: "edit", text: "x" } });
    await assertStoreError(edit, StoreForbiddenError, "forbidden");
    const del = store.changeMessage({ room, id: message.id, by: other, change: { op: "delete" } });
    await assertStoreError(del, StoreForbiddenError, "forbidden");
    assert.equal((await store.getRoom(room))?.lastSeq, 1);
    assert.deepEqual(await store.getMessage(room, message.id), message);
  });

  test("changeMessage - an edit past the window is refused", async (store) => {
    const { room, author, message } = await roomWithMessage(store);
    const late = {
      room,
      id: message.id,
      by: author,
      change: { op: "edit", text: "late" },
      editWindowMs: -1,
    } as const;
    await assertStoreError(store.changeMessage(late), StoreForbiddenError, "edit_window_passed");
    assert.equal((await store.getMessage(room, message.id))?.text, "first");
    assert.equal((await store.getRoom(room))?.lastSeq, 1);
  });

  test("changeMessage - a delete removes text and file; a deleted message cannot change", async (store) => {
    const room = (await createPublic(store)).id;
    const author = randomUserRef();
    const file = { id: "f1", name: "a.png", type: "image/png", size: 10, url: `/api/rooms/${room}/files/f1` };
    const { message } = await store.appendMessage(randomMessage(room, author, { text: "secret", file }));
    assert.deepEqual(message.file, file);
    const del = await store.changeMessage({ room, id: message.id, by: author, change: { op: "delete" } });
    assert.deepEqual(del.removedFile, file);
    assert.equal(del.message.deleted, true);
    assert.equal(del.message.text, undefined);
    assert.equal(del.message.file, undefined);
    const [shown] = await store.listMessages(room, { limit: 10 });
    assert.deepEqual(shown, del.message);
    assert.ok(!JSON.stringify(await store.listEvents(room, { after: 0, limit: 10 })).includes("secret"));
    for (
      const change of [{ op: "edit", text: "again" }, { op: "delete" }, { op: "react", emoji: "👍" }] as const
    ) {
      await assertStoreError(
        store.changeMessage({ room, id: message.id, by: author, change }),
        StoreConflictError,
        "message_deleted",
      );
    }
    assert.equal((await store.getRoom(room))?.lastSeq, 2);
  });

  test("changeMessage - a moderator deletes any message; unknown ids are not_found", async (store) => {
    const { room, message } = await roomWithMessage(store);
    const owner = randomUserRef();
    const del = await store.changeMessage({
      room,
      id: message.id,
      by: owner,
      change: { op: "delete" },
      moderator: true,
    });
    assert.equal(del.message.deleted, true);
    const missing = store.changeMessage({ room, id: "nope", by: owner, change: { op: "delete" } });
    await assertStoreError(missing, StoreNotFoundError, "not_found");
  });

  test("changeMessage - reactions toggle per user and count who reacted", async (store) => {
    const { room, author, message } = await roomWithMessage(store);
    const other = randomUserRef();
    const react = (by: typeof author, emoji: string) =>
      store.changeMessage({ room, id: message.id, by, change: { op: "react", emoji } });
    await react(author, "❤️");
    const both = await react(other, "❤️");
    assert.deepEqual(both.message.reactions, [{ emoji: "❤️", users: [author, other] }]);
    const off = await react(author, "❤️");
    assert.deepEqual(off.message.reactions, [{ emoji: "❤️", users: [other] }]);
    const none = await react(other, "❤️");
    assert.equal(none.message.reactions, undefined);
    assert.equal(none.seq, 5);
  });

  test("listMessages - history pages count messages, not changes", async (store) => {
    const { room, author, message } = await roomWithMessage(store);
    for (let i = 0; i < 3; i++) {
      await store.changeMessage({ room, id: message.id, by: author, change: { op: "react", emoji: `${i}️⃣` } });
    }
    const second = await store.appendMessage(randomMessage(room, author));
    const page = await store.listMessages(room, { limit: 2 });
    assert.deepEqual(page.map((m) => m.id), [message.id, second.message.id]);
    assert.deepEqual(
      (await store.listMessages(room, { before: second.message.seq, limit: 1 })).map((m) => m.seq),
      [1],
    );
  });

  test("changeMessage - concurrent appends and changes keep one gap-free order", async (store) => {
    const stores = options.twin ? [store, await options.twin(store)] : [store];
    try {
      const { room, author, message } = await roomWithMessage(store);
      const work = Array.from(
        { length: 24 },
        (_, i) =>
          i % 2
            ? stores[i % stores.length].appendMessage(randomMessage(room, author)).then((r) => r.message.seq)
            : stores[(i >> 1) % stores.length].changeMessage({
              room,
              id: message.id,
              by: randomUserRef(),
              change: { op: "react", emoji: "👍" },
            }).then((r) => r.seq),
      );
      const seqs = (await Promise.all(work)).sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: 24 }, (_, i) => i + 2));
      const events = await store.listEvents(room, { after: 0, limit: 100 });
      assert.deepEqual(events.map((e) => e.seq), Array.from({ length: 25 }, (_, i) => i + 1));
      assert.equal((await store.getMessage(room, message.id))?.reactions?.[0].users.length, 12);
    } finally {
      if (stores[1]) await stores[1].close();
    }
  });

  test("memberState - muted, removed and cleared, per room and user", async (store) => {
    const room = (await createPublic(store)).id;
    assert.equal(await store.getMemberState(room, "u1"), null);
    await store.setMemberState(room, "u1", "muted");
    await store.setMemberState(room, "u2", "removed");
    assert.equal(await store.getMemberState(room, "u1"), "muted");
    assert.equal(await store.getMemberState(room, "u2"), "removed");
    await store.setMemberState(room, "u1", null);
    assert.equal(await store.getMemberState(room, "u1"), null);
    assert.equal(await store.getMemberState("other", "u2"), null);
  });

  test("listReadMarks - every reader's mark, never moved back", async (store) => {
    const room = (await createPublic(store)).id;
    await store.setReadMark(room, "a", 3);
    await store.setReadMark(room, "b", 5);
    await store.setReadMark(room, "a", 2);
    assert.deepEqual(await store.listReadMarks(room), { a: 3, b: 5 });
  });
}
