/**
 * Private notes on the real server: `lib/ops/server.ts` (two workers, BroadcastChannel) on KV,
 * and two processes on FerretDB and Redis. A note reaches every counselor socket on every isolate
 * and process, and never a user's socket, history page, catch-up, queue line, transcript or e-mail.
 */
import assert from "node:assert/strict";
import { startServer } from "@/tests/support/server.ts";
import { startCluster } from "@/tests/support/cluster.ts";
import { connect, createRoom, guest, TestSocket } from "@/tests/support/client.ts";
import { startMailpit } from "@/tests/support/mailpit.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import type { Store } from "@/lib/store/types.ts";
import type { Role } from "@/lib/shared/protocol.ts";
import { waitFor } from "@/tests/support/wait.ts";

const ENV = {
  RATE_BURST: "1000",
  RATE_PER_SECOND: "1000",
  MAX_SOCKETS_PER_SESSION: "100",
  MAX_SOCKETS_PER_ADDRESS: "100",
};

async function putSession(store: Store, name: string, role: Role): Promise<string> {
  const id = crypto.randomUUID().replaceAll("-", "");
  const now = Date.now();
  await store.putSession({
    id,
    userId: `u_${crypto.randomUUID().slice(0, 12)}`,
    name,
    role,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 86_400_000).toISOString(),
  });
  return `parley_session=${id}`;
}

async function get(url: string, cookie: string) {
  const res = await fetch(url, { headers: { cookie, accept: "application/json" } });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

/** Every way a user could read the room, checked for the note. */
async function assertUserNeverSees(url: string, wsUrl: string, cookie: string, room: string, note: string) {
  const history = await get(`${url}/api/rooms/${room}/messages`, cookie);
  assert.equal(history.status, 200);
  assert.ok(!history.text.includes(note), "history page");
  assert.ok(history.text.includes("after the note"));
  const transcript = await get(`${url}/api/support/${room}/transcript?format=text`, cookie);
  assert.equal(transcript.status, 200);
  assert.ok(!transcript.text.includes(note), "transcript");
  const page = await get(`${url}/support`, cookie);
  assert.ok(!page.text.includes(note), "the /support page");
  // A catch-up from the start replays everything after seq 0.
  const again = await connect(wsUrl, cookie);
  try {
    const joined = await again.join(room, 0);
    assert.ok(!JSON.stringify(joined).includes(note), "catch-up");
    const fresh = await again.join(room);
    assert.ok(!JSON.stringify(fresh).includes(note), "join");
  } finally {
    await again.close();
  }
}

/** The scenario: sockets of a user and of counselors spread over `wsUrls`. */
async function scenario(url: string, wsUrls: string[], counselorCookie: string, otherCounselor: string) {
  const sockets: TestSocket[] = [];
  try {
    const user = await guest(url, "민지");
    const res = await fetch(`${url}/api/support`, { method: "POST", headers: { cookie: user.cookie } });
    const { room } = await res.json();
    // Several sockets per side: the kernel spreads them over the workers.
    const users = await Promise.all([...wsUrls, ...wsUrls].map((u) => connect(u, user.cookie)));
    const counselors = await Promise.all([...wsUrls, ...wsUrls].map((u) => connect(u, counselorCookie)));
    const watcher = await connect(wsUrls.at(-1)!, otherCounselor);
    sockets.push(...users, ...counselors, watcher);
    for (const s of [...users, ...counselors, watcher]) assert.equal((await s.join(room)).type, "joined");

    const [writer] = counselors;
    const note = "메모: VIP 고객, 할인 검토 " + crypto.randomUUID().slice(0, 8);
    writer.send({ type: "send", room, clientId: "n1", text: note, private: true });
    // Its ack first: the console's "sending" bubble gives way to the note, never shown beside it.
    const first = await writer.seen((f) =>
      f.clientId === "n1" || (f.type === "message" && f.message.text === note)
    );
    assert.equal(first.type, "ack", "the writer hears its note's ack before the note");
    assert.equal((await writer.next((f) => f.clientId === "n1")).type, "ack");
    writer.send({ type: "send", room, clientId: "p1", text: "after the note" });
    assert.equal((await writer.next((f) => f.clientId === "p1")).type, "ack");

    for (const c of [...counselors, watcher]) {
      const got = await c.next((f) => f.type === "message" && f.message.text === note, 10_000);
      assert.equal(got.message.private, true);
    }
    for (const u of users) {
      await u.next((f) => f.type === "message" && f.message.text === "after the note", 10_000);
      assert.ok(!JSON.stringify(u.frames).includes(note), "a user's socket");
    }

    // Only counselors write notes, and only in support rooms.
    users[0].send({ type: "send", room, clientId: "u1", text: "sneaky", private: true });
    assert.equal((await users[0].next((f) => f.clientId === "u1")).code, "forbidden");
    const lobby = await createRoom(url, counselorCookie, `Lounge ${crypto.randomUUID().slice(0, 6)}`);
    const roomId = (lobby as { id: string }).id;
    assert.equal((await writer.join(roomId)).type, "joined");
    writer.send({ type: "send", room: roomId, clientId: "n2", text: "note?", private: true });
    assert.equal((await writer.next((f) => f.clientId === "n2")).code, "bad_request");

    await assertUserNeverSees(url, wsUrls[0], user.cookie, room, note);
    const counselorHistory = await get(`${url}/api/rooms/${room}/messages`, counselorCookie);
    assert.ok(counselorHistory.text.includes(note));
    const counselorTranscript = await get(`${url}/api/support/${room}/transcript`, counselorCookie);
    assert.ok(counselorTranscript.text.includes(note));
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
}

Deno.test("[private notes] KV, two isolates - counselors everywhere get the note; the user never", async () => {
  const server = await startServer({ jobs: 2, env: ENV });
  const store = await openKvStore(server.kvPath);
  try {
    const mina = await putSession(store, "mina", "counselor");
    const jun = await putSession(store, "jun", "counselor");
    await scenario(server.url, [server.wsUrl], mina, jun);
  } finally {
    await store.close();
    await server.stop();
  }
});

Deno.test("[private notes] FerretDB and Redis, two processes - the same across processes", async () => {
  const cluster = await startCluster({ processes: 2, env: ENV });
  try {
    const store = await cluster.store();
    const mina = await putSession(store, "mina", "counselor");
    const jun = await putSession(store, "jun", "counselor");
    await scenario(cluster.url(0), cluster.wsUrls(), mina, jun);
  } finally {
    await cluster.stop();
  }
});

Deno.test("[private notes] e-mail - a widget visitor is mailed the counselor's reply, never a note", async () => {
  const SITE = "https://shop.example";
  const mail = await startMailpit();
  const server = await startServer({
    jobs: 2,
    env: { ...ENV, WIDGET_ORIGINS: SITE, SMTP_URL: mail.smtpUrl },
  });
  const store = await openKvStore(server.kvPath);
  const sockets: TestSocket[] = [];
  try {
    const cookie = await putSession(store, "mina", "counselor");
    const made = await fetch(`${server.url}/api/widget/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ origin: SITE }),
    });
    const { token, room } = await made.json();
    const contact = await fetch(`${server.url}/api/widget/contact`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ email: "visitor@example.com", page: `${SITE}/pricing`, locale: "en" }),
    });
    assert.equal(contact.status, 200);
    const visitor = new TestSocket(new WebSocket(server.wsUrl, ["parley", `parley-token.${token}`]));
    await new Promise((resolve) => visitor.ws.addEventListener("open", resolve, { once: true }));
    assert.equal((await visitor.join(room)).type, "joined");
    visitor.send({ type: "send", room, clientId: "v1", text: "Anyone there?" });
    await visitor.next((f) => f.type === "ack");
    await visitor.close();

    const counselor = await connect(server.wsUrl, cookie);
    sockets.push(counselor);
    await counselor.join(room);
    counselor.send({ type: "send", room, clientId: "n1", text: "NOTE: asked twice already", private: true });
    await counselor.next((f) => f.clientId === "n1" && f.type === "ack");
    counselor.send({ type: "send", room, clientId: "r1", text: "Yes, we are here." });
    await counselor.next((f) => f.clientId === "r1" && f.type === "ack");

    await waitFor(async () => (await mail.messages()).length > 0, "the reply's mail", {
      timeoutMs: 20_000,
      everyMs: 200,
    });
    const all = await mail.messages();
    const bodies = await Promise.all(all.map((m) => mail.text(m.ID)));
    assert.ok(bodies.some((b) => b.includes("Yes, we are here.")));
    assert.ok(bodies.every((b) => !b.includes("asked twice already")), "a note was mailed");
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await store.close();
    await server.stop();
    await mail.stop();
  }
});
