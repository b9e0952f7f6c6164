/**
 * The counselors' tools over the API, on both stores: transfer and the assignee rule, automatic
 * assignment, saved replies, search, transcripts and ratings, with errors in the reader's language.
 */
import assert from "node:assert/strict";
import type { Session, Store } from "@/lib/store/types.ts";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import { call, makeSession } from "@/tests/support/sessions.ts";
import { SESSION_COOKIE } from "@/lib/accounts/auth.ts";
import type { Hono } from "hono";
import type { AppEnv } from "@/lib/web/app_env.ts";
import { indexConversation } from "@/lib/support/search_index.ts";

/** A counselor with an account (the transfer list lists accounts) and a session. */
async function counselor(store: Store, name: string): Promise<Session> {
  const session = await makeSession(store, "counselor", name);
  await store.createUser({
    id: session.userId,
    username: name,
    role: "counselor",
    passwordHash: "x",
    createdAt: new Date().toISOString(),
  });
  return session;
}

/** A request with any method. */
async function send(app: Hono<AppEnv>, method: string, path: string, session?: Session, body?: unknown) {
  const headers: Record<string, string> = { accept: "application/json", "accept-language": "ko" };
  if (session) headers.cookie = `${SESSION_COOKIE}=${session.id}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await app.request(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  }, {
    remoteAddr: { hostname: "127.0.0.1", port: 40000, transport: "tcp" },
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, res, text };
}

/** A user's conversation with one message in it (stored as the hub would). */
async function conversation(t: TestApp, name = "민지", text = "안녕하세요") {
  const user = await makeSession(t.services.store, "user", name);
  const { room } = (await call(t.app, "/api/support", { session: user, body: {} })).json;
  await t.services.store.appendMessage({
    room,
    kind: "text",
    author: { id: user.userId, name, role: "user" },
    clientId: `c-${room}`,
    text,
  });
  // As the hub's support hook does after each stored message.
  await indexConversation(t.services.store, room);
  return { user, room: room as string };
}

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

  test("transcript - HTML and text; the user's own without notes, any for counselors", async (t) => {
    const { store } = t.services;
    const mina = await counselor(store, "mina");
    const { user, room } = await conversation(t, "민지", "수강료가 궁금해요 <b>");
    await store.appendMessage({
      room,
      kind: "text",
      author: { id: mina.userId, name: "mina", role: "counselor" },
      clientId: "n1",
      text: "VIP 고객, 할인 검토",
      private: true,
    });
    await store.appendMessage({
      room,
      kind: "text",
      author: { id: mina.userId, name: "mina", role: "counselor" },
      clientId: "r1",
      text: "290만 원이에요",
    });
    const other = await makeSession(store, "user");
    assert.equal((await send(t.app, "GET", `/api/support/${room}/transcript`, other)).status, 404);
    assert.equal((await send(t.app, "GET", `/api/support/${room}/transcript`)).status, 401);

    const page = await send(t.app, "GET", `/api/support/${room}/transcript`, user);
    assert.equal(page.status, 200);
    assert.match(page.res.headers.get("content-type") ?? "", /text\/html/);
    assert.ok(page.text.includes("290만 원이에요"));
    assert.ok(page.text.includes("수강료가 궁금해요 &lt;b"));
    assert.ok(!page.text.includes("궁금해요 <b>"));
    assert.ok(!page.text.includes("할인 검토"));
    const text = await send(t.app, "GET", `/api/support/${room}/transcript?format=text`, user);
    assert.match(text.res.headers.get("content-disposition") ?? "", /attachment/);
    assert.match(text.text, /민지 님과의 상담/);
    assert.ok(text.text.includes("mina: 290만 원이에요"));
    assert.ok(!text.text.includes("할인 검토"));

    const mine = await send(t.app, "GET", `/api/support/${room}/transcript?format=text`, mina);
    assert.ok(mine.text.includes("mina (비공개 메모): VIP 고객, 할인 검토"));
    // The history page a user reads has no note either.
    const history = await call(t.app, `/api/rooms/${room}/messages`, { session: user });
    assert.deepEqual(history.json.messages.map((m: { text: string }) => m.text), [
      "수강료가 궁금해요 <b>",
      "290만 원이에요",
    ]);
    const counselorHistory = await call(t.app, `/api/rooms/${room}/messages`, { session: mina });
    assert.equal(counselorHistory.json.messages.length, 3);
  });

  test("rating - own user, once, after close; the console sees it and the 30-day averages", async (t) => {
    const { store } = t.services;
    const mina = await counselor(store, "mina");
    const { user, room } = await conversation(t);
    await call(t.app, `/api/support/${room}/claim`, { session: mina, body: {} });
    const early = await send(t.app, "POST", `/api/support/${room}/rating`, user, { score: 5 });
    assert.equal(early.status, 409);
    assert.equal(early.json.error.code, "not_closed");
    await call(t.app, `/api/support/${room}/close`, { session: mina, body: {} });
    assert.deepEqual((await send(t.app, "GET", `/api/support/${room}/rating`, user)).json, {
      rating: null,
      canRate: true,
    });
    for (
      const body of [{ score: 0 }, { score: 6 }, { score: 4.5 }, { score: "5" }, {
        score: 3,
        comment: "x".repeat(1001),
      }]
    ) {
      const bad = await send(t.app, "POST", `/api/support/${room}/rating`, user, body);
      assert.equal(bad.status, 400, JSON.stringify(body));
    }
    assert.equal(
      (await send(t.app, "POST", `/api/support/${room}/rating`, user, { score: 0 })).json.error.message,
      "점수는 1부터 5까지의 정수예요",
    );
    const other = await makeSession(store, "user");
    assert.equal((await send(t.app, "POST", `/api/support/${room}/rating`, other, { score: 1 })).status, 403);
    assert.equal((await send(t.app, "POST", `/api/support/${room}/rating`, mina, { score: 5 })).status, 403);
    const rated = await send(t.app, "POST", `/api/support/${room}/rating`, user, {
      score: 4,
      comment: "친절했어요",
    });
    assert.equal(rated.status, 201);
    assert.equal(rated.json.rating.counselor.id, mina.userId);
    assert.equal(
      (await send(t.app, "POST", `/api/support/${room}/rating`, user, { score: 5 })).json.error.code,
      "already_rated",
    );
    assert.equal((await send(t.app, "GET", `/api/support/${room}/rating`, mina)).json.rating.score, 4);
    const stats = await send(t.app, "GET", "/api/support/ratings", mina);
    assert.deepEqual(
      stats.json.counselors.map((
        c: { counselor: { name: string }; average: number; count: number },
      ) => [c.counselor.name, c.average, c.count]),
      [["mina", 4, 1]],
    );
    const queue = await call(t.app, "/api/support?state=closed", { session: mina });
    assert.equal(queue.json.conversations[0].rating.score, 4);
  });
});

onBothStores((kind, open) => {
  Deno.test(`[console tools:${kind}] programs - add, edit, end; validated in the reader's language; nothing half-saved`, async () => {
    const t = await open();
    try {
      const { store } = t.services;
      const mina = await counselor(store, "mina");
      const user = await makeSession(store, "user");
      const good = {
        id: "ux-course",
        title: "UX 디자인 입문",
        description: "Figma로 배우는",
        startsAt: "2030-03-02T09:00:00+09:00",
        endsAt: "2030-04-02T18:00:00+09:00",
        price: 350000,
        currency: "krw",
        url: "https://apply.example.com/ux",
      };
      assert.equal((await send(t.app, "POST", "/api/programs", user, good)).status, 403);
      // An open console hears of every change at once (Server-Sent Events).
      const events = await t.app.request("/api/programs/events", {
        headers: { cookie: `${SESSION_COOKIE}=${mina.id}` },
      });
      assert.equal(events.headers.get("content-type")?.startsWith("text/event-stream"), true);
      const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
      assert.equal((await reader.read()).value, ": open\n\n");
      const cases: [Record<string, unknown>, string][] = [
        [{ ...good, title: " " }, "제목을 입력하세요"],
        [{ ...good, endsAt: "2030-03-01T09:00:00+09:00" }, "종료 일시는 시작 일시보다 뒤여야 해요"],
        [{ ...good, url: "javascript:alert(1)" }, "신청 링크는 http:// 또는 https:// 주소여야 해요"],
        [{ ...good, price: -1 }, "가격은 0 이상이어야 해요"],
        [{ ...good, currency: "" }, "통화를 고르세요 (세 글자, 예: KRW)"],
        [{ ...good, startsAt: "soon" }, "올바른 날짜와 시간을 입력하세요"],
      ];
      for (const [body, message] of cases) {
        const bad = await send(t.app, "POST", "/api/programs", mina, body);
        assert.equal(bad.status, 400);
        assert.equal(bad.json.error.code, "bad_program");
        assert.equal(bad.json.error.message, message);
      }
      assert.equal(await store.getProgram("ux-course"), null);

      const added = await send(t.app, "POST", "/api/programs", mina, good);
      assert.equal(added.status, 201);
      assert.equal(added.json.program.currency, "KRW");
      assert.equal(added.json.program.startsAt, "2030-03-02T00:00:00.000Z");
      assert.equal((await reader.read()).value, 'data: {"id":"ux-course"}\n\n');
      await reader.cancel();
      assert.equal((await send(t.app, "POST", "/api/programs", mina, good)).status, 409);

      const edited = await send(t.app, "PUT", "/api/programs/ux-course", mina, { ...good, price: 0 });
      assert.equal(edited.json.program.price, 0);
      const refused = await send(t.app, "PUT", "/api/programs/ux-course", mina, { ...good, price: -5 });
      assert.equal(refused.status, 400);
      assert.equal((await store.getProgram("ux-course"))?.price, 0);
      assert.equal((await send(t.app, "PUT", "/api/programs/none", mina, good)).status, 404);

      const current = await send(t.app, "GET", "/api/programs?status=current&q=UX", mina);
      assert.deepEqual(current.json.programs.map((p: { id: string }) => p.id), ["ux-course"]);
      const ended = await send(t.app, "POST", "/api/programs/ux-course/end", mina, {});
      assert.ok(Date.parse(ended.json.program.endsAt) <= Date.now());
      assert.ok(Date.parse(ended.json.program.startsAt) < Date.parse(ended.json.program.endsAt));
      assert.deepEqual(
        (await send(t.app, "GET", "/api/programs?status=current&q=UX", mina)).json.programs,
        [],
      );
      const expired = await send(t.app, "GET", "/api/programs?status=expired&q=UX", mina);
      assert.deepEqual(expired.json.programs.map((p: { id: string }) => p.id), ["ux-course"]);
    } finally {
      await t.close();
    }
  });
});
