/**
 * Support conversations over HTTP and the WebSocket, on both stores: opening, the counselors' queue
 * with unread counts, claim / close / reopen with the system lines the user sees, live queue pushes,
 * program cards (counselors only, a snapshot of the program), and the user's member list following
 * claims, transfers and closes.
 */
import assert from "node:assert/strict";
import type { Session } from "@/lib/store/types.ts";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import { call, makeSession } from "@/tests/support/sessions.ts";
import { connect, type Frame, type TestSocket } from "@/tests/support/client.ts";
import { SESSION_COOKIE } from "@/lib/accounts/auth.ts";
import { counselor } from "@/tests/support/console_tools.ts";

const cookieOf = (s: Session) => `${SESSION_COOKIE}=${s.id}`;
let n = 0;
const clientId = () => `c${Date.now().toString(36)}${(n++).toString(36)}`;

async function say(
  ws: TestSocket,
  room: string,
  body: { text: string } | { program: string },
): Promise<Frame> {
  const id = clientId();
  ws.send({ type: "send", room, clientId: id, ...body });
  return await ws.next((f) => (f.type === "ack" || f.type === "error") && f.clientId === id);
}

onBothStores((kind, open) => {
  const test = (name: string, fn: (t: TestApp) => Promise<void>) =>
    Deno.test(`[support api:${kind}] ${name}`, async () => {
      const t = await open();
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    });

  test("POST /api/support - one conversation per user; queue for counselors only", async (t) => {
    const { store } = t.services;
    const user = await makeSession(store, "guest", "민지");
    const counselor = await makeSession(store, "counselor", "mina");
    assert.equal((await call(t.app, "/api/support", { body: {} })).status, 401);
    const first = await call(t.app, "/api/support", { session: user, body: {} });
    assert.equal(first.status, 200);
    assert.equal(first.json.state, "waiting");
    const again = await call(t.app, "/api/support", { session: user, body: {} });
    assert.equal(again.json.room, first.json.room);

    assert.equal((await call(t.app, "/api/support", { session: user })).status, 403);
    assert.equal((await call(t.app, "/api/support")).status, 401);
    assert.equal((await call(t.app, "/api/support?state=lost", { session: counselor })).status, 400);
    assert.deepEqual((await call(t.app, "/api/support", { session: counselor })).json, { conversations: [] });
    for (const action of ["claim", "close"]) {
      assert.equal(
        (await call(t.app, `/api/support/${first.json.room}/${action}`, { session: user, body: {} })).status,
        403,
      );
    }
    assert.equal(
      (await call(t.app, "/api/support/nope/claim", { session: counselor, body: {} })).status,
      404,
    );
  });

  test("the whole conversation - live queue, unread, claim, card, close, reopen", async (t) => {
    const { store } = t.services;
    const { wsUrl } = t.listen();
    const user = await makeSession(store, "user", "민지");
    const mina = await makeSession(store, "counselor", "mina");
    const jun = await makeSession(store, "counselor", "jun");
    await store.upsertProgram({
      id: "data-bootcamp",
      title: "데이터 분석 부트캠프",
      description: "파이썬과 SQL",
      startsAt: "2027-03-02T00:00:00.000Z",
      endsAt: "2027-05-28T09:00:00.000Z",
      price: 2900000,
      currency: "KRW",
      url: "https://apply.example.com/data-bootcamp",
      tags: [],
      updatedAt: "2026-11-22T00:00:00.000Z",
    });
    const { room } = (await call(t.app, "/api/support", { session: user, body: {} })).json;
    const userWs = await connect(wsUrl, cookieOf(user));
    const minaWs = await connect(wsUrl, cookieOf(mina));
    try {
      assert.equal((await userWs.join(room)).type, "joined");
      assert.equal((await say(userWs, room, { text: "안녕하세요, 데이터 과정 문의드려요" })).type, "ack");

      // The counselor's socket hears of the new conversation without joining anything.
      const pushed = await minaWs.next((f) => f.type === "support" && f.conversation.room === room);
      assert.equal(pushed.conversation.state, "waiting");
      assert.equal(pushed.conversation.unread, 1);
      assert.equal(pushed.conversation.lastMessage.text, "안녕하세요, 데이터 과정 문의드려요");
      const waiting = await call(t.app, "/api/support?state=waiting", { session: jun });
      assert.equal(waiting.json.conversations.length, 1);
      assert.equal(waiting.json.conversations[0].unread, 1);

      // A user may not send a program card.
      const refused = await say(userWs, room, { program: "data-bootcamp" });
      assert.equal(refused.type, "error");
      assert.equal(refused.code, "forbidden");

      const claim = await call(t.app, `/api/support/${room}/claim`, { session: mina, body: {} });
      assert.equal(claim.status, 200);
      assert.equal(claim.json.state, "active");
      const joinedLine = await userWs.next((f) => f.type === "message" && f.message.kind === "system");
      assert.equal(joinedLine.message.text, "mina joined");
      assert.equal((await call(t.app, `/api/support/${room}/claim`, { session: jun, body: {} })).status, 409);

      assert.equal((await minaWs.join(room)).type, "joined");
      const card = await say(minaWs, room, { program: "data-bootcamp" });
      assert.equal(card.type, "ack");
      const got = await userWs.next((f) => f.type === "message" && f.message.kind === "program");
      assert.deepEqual(got.message.program, {
        id: "data-bootcamp",
        title: "데이터 분석 부트캠프",
        startsAt: "2027-03-02T00:00:00.000Z",
        endsAt: "2027-05-28T09:00:00.000Z",
        price: 2900000,
        currency: "KRW",
        url: "https://apply.example.com/data-bootcamp",
      });
      assert.equal((await say(minaWs, room, { program: "missing" })).code, "not_found");
      // The history keeps what was sent even if the catalog changes later.
      await store.upsertProgram({ ...(await store.getProgram("data-bootcamp"))!, title: "Renamed" });
      const history = await call(t.app, `/api/rooms/${room}/messages`, { session: user });
      assert.equal(
        history.json.messages.find((m: Frame) => m.kind === "program").program.title,
        "데이터 분석 부트캠프",
      );

      // Unread: jun never opened it; mina read up to her card.
      await say(userWs, room, { text: "감사합니다!" });
      await minaWs.next((f) => f.type === "support" && f.conversation.lastMessage?.text === "감사합니다!");
      const forJun = (await call(t.app, "/api/support", { session: jun })).json.conversations[0];
      const forMina = (await call(t.app, "/api/support", { session: mina })).json.conversations[0];
      assert.equal(forJun.unread, 2);
      assert.equal(forMina.unread, 1);
      const last = forMina.lastMessage.seq;
      assert.equal(
        (await call(t.app, `/api/support/${room}/read`, { session: mina, body: { seq: last } })).status,
        204,
      );
      assert.equal((await call(t.app, "/api/support", { session: mina })).json.conversations[0].unread, 0);

      const closed = await call(t.app, `/api/support/${room}/close`, { session: mina, body: {} });
      assert.equal(closed.json.state, "closed");
      const closedLine = await userWs.next((f) => f.type === "message" && f.message.kind === "system");
      assert.match(closedLine.message.text, /closed the conversation/);
      assert.equal((await call(t.app, "/api/support", { session: user, body: {} })).json.state, "closed");

      await say(userWs, room, { text: "하나 더 여쭤볼게요" });
      const reopened = await minaWs.next((f) => f.type === "support" && f.conversation.state === "waiting");
      assert.equal(reopened.conversation.room, room);
      assert.equal(
        (await call(t.app, "/api/support?state=waiting", { session: mina })).json.conversations.length,
        1,
      );
    } finally {
      await userWs.close();
      await minaWs.close();
    }
  });

  test("members - a claim, a transfer and a close change the user's member list live", async (t) => {
    const { store } = t.services;
    const { wsUrl } = t.listen();
    const user = await makeSession(store, "user", "민지");
    const mina = await counselor(store, "mina");
    const jun = await counselor(store, "jun");
    const { room } = (await call(t.app, "/api/support", { session: user, body: {} })).json;
    const userWs = await connect(wsUrl, cookieOf(user));
    const minaWs = await connect(wsUrl, cookieOf(mina));
    const junWs = await connect(wsUrl, cookieOf(jun));
    const members = (f: Frame) => f.members.map((m: { id: string }) => m.id).sort();
    const presence = (ids: string[]) => (f: Frame) =>
      f.type === "presence" && f.room === room &&
      JSON.stringify(members(f)) === JSON.stringify([...ids].sort());
    try {
      assert.equal((await userWs.join(room)).type, "joined");
      await say(userWs, room, { text: "문의드려요" });
      // Both counselors open the conversation before anyone claims it: neither is a member yet.
      assert.deepEqual(members((await minaWs.join(room)).presence), [user.userId]);
      assert.deepEqual(members((await junWs.join(room)).presence), [user.userId]);

      const claim = await call(t.app, `/api/support/${room}/claim`, { session: mina, body: {} });
      assert.equal(claim.status, 200);
      await userWs.next(presence([user.userId, mina.userId]));
      await junWs.next(presence([user.userId, mina.userId]));

      const moved = await call(t.app, `/api/support/${room}/transfer`, {
        session: mina,
        body: { counselor: jun.userId },
      });
      assert.equal(moved.status, 200);
      // The new assignee comes in and the old one goes; the last frame says both.
      await userWs.next(presence([user.userId, jun.userId]));

      await call(t.app, `/api/support/${room}/close`, { session: jun, body: {} });
      await userWs.next(presence([user.userId]));
      // A socket that is no longer a member leaves without taking anyone with it.
      await say(userWs, room, { text: "하나 더요" });
      await call(t.app, `/api/support/${room}/claim`, { session: jun, body: {} });
      await userWs.next(presence([user.userId, jun.userId]));
      minaWs.send({ type: "leave", room });
      assert.deepEqual(members((await minaWs.join(room)).presence), [jun.userId, user.userId].sort());
    } finally {
      await userWs.close();
      await minaWs.close();
      await junWs.close();
    }
  });
});
