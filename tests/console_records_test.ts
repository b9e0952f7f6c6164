/**
 * The counselors' records over the API, on both stores: transcripts, ratings and the program catalog,
 * with errors in the reader's language.
 */
import assert from "node:assert/strict";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import { call, makeSession } from "@/tests/support/sessions.ts";
import { conversation, counselor, send } from "@/tests/support/console_tools.ts";
import { SESSION_COOKIE } from "@/lib/accounts/auth.ts";

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

  test("transcript - support notices in the reader's language, their English kept in the record", async (t) => {
    const { store } = t.services;
    const mina = await counselor(store, "mina");
    const { user, room } = await conversation(t);
    await call(t.app, `/api/support/${room}/claim`, { session: mina, body: {} });
    await call(t.app, `/api/support/${room}/close`, { session: mina, body: {} });
    const korean = await send(t.app, "GET", `/api/support/${room}/transcript?format=text`, user);
    assert.ok(korean.text.includes("— mina 상담사가 대화에 들어왔어요"), korean.text);
    assert.ok(korean.text.includes("— mina 상담사가 대화를 종료했어요"), korean.text);
    const page = await send(t.app, "GET", `/api/support/${room}/transcript`, user);
    assert.ok(page.text.includes("mina 상담사가 대화에 들어왔어요"));
    const english = await call(t.app, `/api/support/${room}/transcript?format=text`, { session: user });
    assert.ok(String(english.json).includes("— mina joined"), String(english.json));
    const history = await call(t.app, `/api/rooms/${room}/messages`, { session: user });
    assert.deepEqual(
      history.json.messages.slice(1).map((m: { text: string; notice: unknown }) => [m.text, m.notice]),
      [
        ["mina joined", { key: "support.joined", name: "mina" }],
        ["mina closed the conversation", { key: "support.closed", name: "mina" }],
      ],
    );
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
