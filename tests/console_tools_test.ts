/**
 * The counselors' tools over the API, on both stores: transfer and the assignee rule, automatic
 * assignment, saved replies and search, with errors in the reader's language (transcripts, ratings
 * and the program catalog: tests/console_records_test.ts).
 */
import assert from "node:assert/strict";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import { call, makeSession } from "@/tests/support/sessions.ts";
import { conversation, counselor, send } from "@/tests/support/console_tools.ts";

onBothStores((kind, open) => {
  const test = (name: string, fn: (t: TestApp) => Promise<void>) =>
    Deno.test(`[console tools:${kind}] ${name}`, async () => {
      const t = await open();
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    });

  test("transfer - only the assignee closes or hands over; both see the notice", async (t) => {
    const { store } = t.services;
    const mina = await counselor(store, "mina");
    const jun = await counselor(store, "jun");
    const { user, room } = await conversation(t);
    assert.equal((await call(t.app, `/api/support/${room}/claim`, { session: mina, body: {} })).status, 200);

    const steal = await send(t.app, "POST", `/api/support/${room}/close`, jun, {});
    assert.equal(steal.status, 403);
    assert.equal(steal.json.error.code, "not_assignee");
    assert.equal(steal.json.error.message, "담당 상담사만 할 수 있어요");
    assert.equal(
      (await send(t.app, "POST", `/api/support/${room}/transfer`, jun, { counselor: mina.userId })).status,
      403,
    );
    assert.equal(
      (await send(t.app, "POST", `/api/support/${room}/transfer`, user, { counselor: jun.userId })).status,
      403,
    );
    assert.equal(
      (await send(t.app, "POST", `/api/support/${room}/transfer`, mina, { counselor: "nobody" })).status,
      404,
    );
    assert.equal((await send(t.app, "POST", `/api/support/${room}/transfer`, mina, {})).status, 400);

    const list = await send(t.app, "GET", "/api/support/counselors", mina);
    assert.deepEqual(list.json.counselors.map((c: { name: string; open: number }) => [c.name, c.open]), [[
      "jun",
      0,
    ], ["mina", 1]]);

    const moved = await send(t.app, "POST", `/api/support/${room}/transfer`, mina, { counselor: jun.userId });
    assert.equal(moved.status, 200);
    assert.equal(moved.json.counselor.id, jun.userId);
    assert.equal(moved.json.lastMessage.text, "mina handed the conversation to jun");
    const history = await call(t.app, `/api/rooms/${room}/messages`, { session: user });
    assert.equal(history.json.messages.at(-1).text, "mina handed the conversation to jun");

    assert.equal((await send(t.app, "POST", `/api/support/${room}/close`, mina, {})).status, 403);
    assert.equal((await send(t.app, "POST", `/api/support/${room}/close`, jun, {})).json.state, "closed");
  });

  test("assignment - auto gives a new conversation to the least busy counselor; manual keeps waiting", async (t) => {
    const { store } = t.services;
    const mina = await counselor(store, "mina");
    const jun = await counselor(store, "jun");
    assert.equal((await send(t.app, "GET", "/api/support/settings", mina)).json.assign, "manual");
    assert.equal(
      (await send(t.app, "PUT", "/api/support/settings", mina, { assign: "sometimes" })).status,
      400,
    );
    assert.equal((await send(t.app, "PUT", "/api/support/settings", makeSession as never)).status, 401);
    // Mina has one already.
    const first = await conversation(t, "a");
    await call(t.app, `/api/support/${first.room}/claim`, { session: mina, body: {} });
    assert.equal(
      (await send(t.app, "PUT", "/api/support/settings", mina, { assign: "auto" })).json.assign,
      "auto",
    );

    const { services } = t;
    const second = await conversation(t, "b");
    const { onSupportMessage } = await import("@/lib/support/support.ts");
    const [message] = await store.listMessages(second.room, { limit: 1 });
    await onSupportMessage(services, message);
    const assigned = await store.getSupport(second.room);
    assert.equal(assigned?.state, "active");
    assert.equal(assigned?.counselor?.id, jun.userId);

    await send(t.app, "PUT", "/api/support/settings", mina, { assign: "manual" });
    const third = await conversation(t, "c");
    await onSupportMessage(services, (await store.listMessages(third.room, { limit: 1 }))[0]);
    assert.equal((await store.getSupport(third.room))?.state, "waiting");
  });

  test("replies - shared list, Korean and English, validated, deleted", async (t) => {
    const { store } = t.services;
    const mina = await counselor(store, "mina");
    const jun = await counselor(store, "jun");
    const user = await makeSession(store, "user");
    assert.equal((await send(t.app, "GET", "/api/replies", user)).status, 403);
    const bad = await send(t.app, "POST", "/api/replies", mina, { title: "", text: "x" });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.message, "제목을 80자 이내로 입력하세요");
    assert.equal(
      (await send(t.app, "POST", "/api/replies", mina, { title: "t", text: "x".repeat(2001) })).status,
      400,
    );
    const ko = await send(t.app, "POST", "/api/replies", mina, {
      title: "환불 안내",
      text: "환불은 7일 이내에 가능해요.",
    });
    assert.equal(ko.status, 201);
    const en = await send(t.app, "POST", "/api/replies", jun, {
      title: "Hours",
      text: "We answer 9 to 6, KST.",
    });
    const list = await send(t.app, "GET", "/api/replies", jun);
    assert.deepEqual(list.json.replies.map((r: { title: string }) => r.title), ["환불 안내", "Hours"]);
    assert.equal(list.json.replies[0].createdBy.name, "mina");
    assert.equal((await send(t.app, "DELETE", `/api/replies/${ko.json.reply.id}`, jun)).status, 204);
    assert.equal((await send(t.app, "DELETE", `/api/replies/${ko.json.reply.id}`, jun)).status, 404);
    assert.equal((await send(t.app, "DELETE", `/api/replies?id=${en.json.reply.id}`, jun)).status, 204);
    assert.deepEqual((await send(t.app, "GET", "/api/replies", jun)).json.replies, []);
  });

  test("search - names and text, literal, case-insensitive, Korean, paged; counselors only", async (t) => {
    const { store } = t.services;
    const mina = await counselor(store, "mina");
    const a = await conversation(t, "Kim Minji", "Is the DATA course (2027) open?");
    const b = await conversation(t, "박서준", "데이터 분석 과정 환불 문의");
    assert.equal((await send(t.app, "GET", "/api/support/search?q=data", a.user)).status, 403);
    assert.equal((await send(t.app, "GET", "/api/support/search?q=", mina)).status, 400);
    const data = await send(t.app, "GET", "/api/support/search?q=data", mina);
    assert.deepEqual(data.json.conversations.map((c: { room: string }) => c.room), [a.room]);
    assert.equal(data.json.conversations[0].matches[0].text, "Is the DATA course (2027) open?");
    assert.equal(data.json.conversations[0].user.name, "Kim Minji");
    const korean = await send(t.app, "GET", `/api/support/search?q=${encodeURIComponent("환불")}`, mina);
    assert.deepEqual(korean.json.conversations.map((c: { room: string }) => c.room), [b.room]);
    const name = await send(t.app, "GET", `/api/support/search?q=${encodeURIComponent("박서")}`, mina);
    assert.equal(name.json.conversations[0].nameMatch, true);
    assert.deepEqual(
      (await send(t.app, "GET", `/api/support/search?q=${encodeURIComponent(".*")}`, mina)).json
        .conversations,
      [],
    );
    assert.equal(
      (await send(t.app, "GET", `/api/support/search?q=${encodeURIComponent("(2027)")}`, mina)).json
        .conversations.length,
      1,
    );
    await conversation(t, "Lia", "hi");
    const page1 = await send(t.app, "GET", "/api/support/search?q=i&limit=1", mina);
    assert.equal(page1.json.conversations.length, 1);
    assert.ok(page1.json.nextCursor);
    const page2 = await send(
      t.app,
      "GET",
      `/api/support/search?q=i&limit=1&cursor=${page1.json.nextCursor}`,
      mina,
    );
    assert.notEqual(page2.json.conversations[0].room, page1.json.conversations[0].room);
  });
});
