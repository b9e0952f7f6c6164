/**
 * The counselors' tools part of the store contract: private notes, saved replies, ratings (once per
 * conversation), settings, the counselor list with the away flags and the conversations' search filters.
 */
import assert from "node:assert/strict";
import { listVisibleMessages } from "../visible.ts";
import { StoreConflictError } from "../errors.ts";
import {
  assertStoreError,
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
    await assertStoreError(store.createRating({ ...rating, score: 1 }), StoreConflictError, "already_rated");
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

  test("counselor away - stored on the record, listed until set back; unknown ids write nothing", async (store) => {
    const mina = randomUser({ role: "counselor" }), jun = randomUser({ role: "counselor" });
    await store.createUser(mina);
    await store.createUser(jun);
    assert.deepEqual(await store.listAwayCounselors(), []);
    await store.setCounselorAway(mina.id, true);
    await store.setCounselorAway("nope", true);
    assert.deepEqual(await store.listAwayCounselors(), [mina.id]);
    assert.equal((await store.getUser(mina.id))?.away, true);
    assert.equal(await store.getUser("nope"), null);
    // The role and the password stay as they were, and a later password change keeps the flag.
    await store.setUserPassword(mina.id, "new-hash");
    assert.deepEqual(await store.getUser(mina.id), { ...mina, passwordHash: "new-hash", away: true });
    await store.setCounselorAway(mina.id, false);
    assert.deepEqual(await store.listAwayCounselors(), []);
    // Only counselors are listed: a demoted one's old flag no longer counts.
    await store.setCounselorAway(jun.id, true);
    await store.setUserRole(jun.id, "user");
    assert.deepEqual(await store.listAwayCounselors(), []);
  });

  test("matchMessages - literal, case-insensitive, Korean; the first few per room; rooms named only", async (store) => {
    const a = await conversationOf(store),
      b = await conversationOf(store),
      other = await conversationOf(store);
    for (
      const text of ["Is the DATA course (a+b) open?", "data again", "데이터 분석", "more data", "DaTa 4"]
    ) {
      await store.appendMessage(randomMessage(a.room, a.user, { text }));
    }
    await store.appendMessage(randomMessage(b.room, b.user, { text: "환불 데이터 문의" }));
    await store.appendMessage(randomMessage(b.room, b.user, { text: "data", kind: "system" }));
    await store.appendMessage(randomMessage(other.room, other.user, { text: "data elsewhere" }));
    const found = await store.matchMessages([a.room, b.room], "data", 3);
    assert.deepEqual(Object.keys(found), [a.room]);
    assert.deepEqual(found[a.room].map((m) => m.text), [
      "Is the DATA course (a+b) open?",
      "data again",
      "more data",
    ]);
    assert.deepEqual((await store.matchMessages([a.room, b.room], "(A+B)", 3))[a.room].length, 1);
    assert.deepEqual(await store.matchMessages([a.room, b.room], ".*", 3), {});
    assert.deepEqual(
      Object.keys(await store.matchMessages([a.room, b.room, other.room], "데이터", 3)).sort(),
      [
        a.room,
        b.room,
      ].sort(),
    );
    assert.deepEqual(await store.matchMessages([], "data", 3), {});
  });

  test("searchFilters - put, get, list; a filter covering a later seq is kept", async (store) => {
    const conv = await conversationOf(store);
    assert.equal(await store.getSearchFilter(conv.room), null);
    await store.putSearchFilter({ room: conv.room, upTo: 5, bits: "AAEC" });
    await store.putSearchFilter({ room: conv.room, upTo: 3, bits: "AAAA" });
    assert.deepEqual(await store.getSearchFilter(conv.room), { room: conv.room, upTo: 5, bits: "AAEC" });
    await store.putSearchFilter({ room: conv.room, upTo: 7, bits: "AQID" });
    const other = await conversationOf(store);
    await store.putSearchFilter({ room: other.room, upTo: 1, bits: "AA==" });
    const all = (await store.listSearchFilters()).sort((a, b) => a.upTo - b.upTo);
    assert.deepEqual(all, [{ room: other.room, upTo: 1, bits: "AA==" }, {
      room: conv.room,
      upTo: 7,
      bits: "AQID",
    }]);
  });
}
