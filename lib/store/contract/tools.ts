/**
 * The counselors' tools part of the store contract: private notes, saved replies, ratings (once per
 * conversation), settings, the counselor list and the literal, case-insensitive conversation search.
 */
import assert from "node:assert/strict";
import { listVisibleMessages } from "../visible.ts";
import {
  assertHttpError,
  type ContractTest,
  randomId,
  randomMessage,
  randomSupport,
  randomUser,
  randomUserRef,
} from "./data.ts";
import type { Store } from "../types.ts";
import type { UserRef } from "@/lib/shared/protocol.ts";

async function conversationOf(store: Store, user: UserRef = randomUserRef()) {
  return await store.getOrCreateSupport(user, randomSupport(user));
}

/** Registers the tools tests. */
export function registerToolsContract(test: ContractTest): void {
  test("private notes - stored with the flag; left out of every page a user reads", async (store) => {
    const conv = await conversationOf(store);
    const counselor = randomUserRef("counselor");
    for (let i = 1; i <= 9; i++) {
      await store.appendMessage(randomMessage(conv.room, i % 3 === 0 ? counselor : conv.user, {
        text: `m${i}`,
        ...(i % 3 === 0 ? { private: true } : {}),
      }));
    }
    const all = await store.listMessages(conv.room, { limit: 20 });
    assert.deepEqual(all.filter((m) => m.private).map((m) => m.text), ["m3", "m6", "m9"]);
    assert.ok(all.filter((m) => !m.private).every((m) => !("private" in m)));
    const latest = await listVisibleMessages(store, conv.room, { limit: 4 }, "user");
    assert.deepEqual(latest.map((m) => m.text), ["m4", "m5", "m7", "m8"]);
    const older = await listVisibleMessages(store, conv.room, { before: 4, limit: 4 }, "guest");
    assert.deepEqual(older.map((m) => m.text), ["m1", "m2"]);
    const after = await listVisibleMessages(store, conv.room, { after: 1, limit: 3 }, "user");
    assert.deepEqual(after.map((m) => m.text), ["m2", "m4", "m5"]);
    const counselorView = await listVisibleMessages(store, conv.room, { limit: 3 }, "counselor");
    assert.deepEqual(counselorView.map((m) => m.text), ["m7", "m8", "m9"]);
  });

  test("replies - create, list oldest first, delete", async (store) => {
    const by = randomUserRef("counselor");
    const a = {
      id: randomId("r"),
      title: "Hours",
      text: "9–18 KST",
      createdBy: by,
      createdAt: "2030-01-01T00:00:00.000Z",
    };
    const b = {
      id: randomId("r"),
      title: "환불",
      text: "환불은 7일 이내",
      createdBy: by,
      createdAt: "2030-01-02T00:00:00.000Z",
    };
    await store.createReply(b);
    await store.createReply(a);
    assert.deepEqual(await store.listReplies(), [a, b]);
    assert.equal(await store.deleteReply(a.id), true);
    assert.equal(await store.deleteReply(a.id), false);
    assert.deepEqual(await store.listReplies(), [b]);
  });

  test("ratings - one per conversation (already_rated), listed by time", async (store) => {
    const conv = await conversationOf(store);
    const rating = {
      room: conv.room,
      user: conv.user,
      counselor: randomUserRef("counselor"),
      score: 4,
      comment: "친절했어요",
      at: "2030-01-05T00:00:00.000Z",
    };
    assert.equal(await store.getRating(conv.room), null);
    await store.createRating(rating);
    await assertHttpError(store.createRating({ ...rating, score: 1 }), 409, "already_rated");
    assert.deepEqual(await store.getRating(conv.room), rating);
    const old = { ...rating, room: (await conversationOf(store)).room, at: "2029-01-01T00:00:00.000Z" };
    await store.createRating(old);
    assert.deepEqual(await store.listRatingsSince("2030-01-01T00:00:00.000Z"), [rating]);
  });

  test("settings - null until put, then the last value", async (store) => {
    assert.equal(await store.getSetting("assign"), null);
    await store.putSetting("assign", "auto");
    await store.putSetting("assign", "manual");
    assert.equal(await store.getSetting("assign"), "manual");
  });

  test("listCounselors - only users whose role is counselor", async (store) => {
    const counselor = randomUser({ role: "counselor" });
    await store.createUser(counselor);
    await store.createUser(randomUser());
    assert.deepEqual(await store.listCounselors(), [{
      id: counselor.id,
      name: counselor.username,
      role: "counselor",
    }]);
  });

  test("searchSupport - literal, case-insensitive, names and text, Korean, paged", async (store) => {
    const mina = await conversationOf(store, { id: randomId("u"), name: "Mina Kim", role: "guest" });
    const jun = await conversationOf(store, { id: randomId("u"), name: "김준", role: "user" });
    const other = await conversationOf(store);
    await store.appendMessage(
      randomMessage(mina.room, mina.user, { text: "Is the DATA course (a+b) open?" }),
    );
    await store.appendMessage(randomMessage(jun.room, jun.user, { text: "데이터 분석 과정 문의" }));
    await store.appendMessage(randomMessage(jun.room, jun.user, { text: "thanks a lot" }));
    await store.appendMessage(randomMessage(other.room, other.user, { text: "nothing here" }));
    await store.appendMessage(randomMessage(other.room, other.user, { text: "a.b" }));
    // Outside support rooms nothing is searched.
    const room = await store.createRoom({ name: `Public ${randomId()}`, visibility: "public", ownerId: "u" });
    await store.appendMessage(randomMessage(room.id, mina.user, { text: "data elsewhere" }));

    const data = await store.searchSupport({ q: "data", limit: 10 });
    assert.deepEqual(data.hits.map((h) => h.conversation.room), [mina.room]);
    assert.equal(data.hits[0].matches[0].text, "Is the DATA course (a+b) open?");
    assert.equal(data.hits[0].nameMatch, false);
    assert.deepEqual((await store.searchSupport({ q: "(A+B)", limit: 10 })).hits.length, 1);
    assert.deepEqual(
      (await store.searchSupport({ q: "a.b", limit: 10 })).hits.map((h) => h.conversation.room),
      [
        other.room,
      ],
    );
    assert.deepEqual((await store.searchSupport({ q: ".*", limit: 10 })).hits, []);
    const korean = await store.searchSupport({ q: "분석", limit: 10 });
    assert.deepEqual(korean.hits.map((h) => h.conversation.room), [jun.room]);
    const byName = await store.searchSupport({ q: "김준", limit: 10 });
    assert.deepEqual(byName.hits.map((h) => [h.conversation.room, h.nameMatch]), [[jun.room, true]]);
    assert.equal(
      (await store.searchSupport({ q: "mina kim", limit: 10 })).hits[0].conversation.room,
      mina.room,
    );

    // Every conversation has "a": two pages of two, then one, newest conversation (room id) first.
    const first = await store.searchSupport({ q: "a", limit: 2 });
    const order = [mina.room, jun.room, other.room].sort().reverse();
    assert.deepEqual(first.hits.map((h) => h.conversation.room), order.slice(0, 2));
    assert.ok(first.nextCursor);
    const second = await store.searchSupport({ q: "a", limit: 2, cursor: first.nextCursor });
    assert.deepEqual(second.hits.map((h) => h.conversation.room), order.slice(2));
    assert.equal(second.nextCursor, undefined);
  });
}
