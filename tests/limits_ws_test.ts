/**
 * The limits of issue 10 on the WebSocket and the lobby's live stream, crossed on the real server
 * (`lib/ops/server.ts`, two workers): rooms per socket, joins per second, sockets per address
 * (counted over both isolates), and the lobby's SSE sending changes, not the whole list.
 */
import assert from "node:assert/strict";
import type { TestServer } from "@/tests/support/server.ts";
import { type Frame, rawUpgrade, TestSocket } from "@/tests/support/client.ts";
import { caseList, newAddress, runCases, unique } from "@/tests/support/limits_http.ts";

const ENV = {
  TRUSTED_PROXIES: "127.0.0.1",
  MAX_SOCKETS_PER_ADDRESS: "2",
  MAX_ROOMS_PER_SOCKET: "3",
  JOIN_BURST: "5",
  JOINS_PER_SECOND: "1",
};

async function post(s: TestServer, path: string, body: unknown, from: string, cookie?: string) {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(s.url + path, {
      client,
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": from, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    return { status: res.status, json, cookie: res.headers.get("set-cookie")?.split(";")[0] };
  } finally {
    client.close();
  }
}

async function guest(s: TestServer, from = newAddress()) {
  const r = await post(s, "/api/session", { nickname: unique("g") }, from);
  assert.equal(r.status, 201);
  return { cookie: r.cookie!, from };
}

async function rooms(s: TestServer, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const g = await guest(s);
    const r = await post(s, "/api/rooms", { name: unique("room") }, g.from, g.cookie);
    assert.equal(r.status, 201);
    ids.push(r.json.id);
  }
  return ids;
}

/** Opens a socket from `from`; resolves open, or closed (a refusal), with the HTTP status if refused. */
async function open(s: TestServer, who: { cookie: string; from: string }): Promise<TestSocket> {
  const ws = new WebSocket(
    s.wsUrl,
    { headers: { cookie: who.cookie, "x-forwarded-for": who.from } } as never,
  );
  const socket = new TestSocket(ws);
  await new Promise<void>((resolve) => {
    ws.onopen = () => resolve();
    ws.onerror = () => resolve();
    socket.closed.then(() => resolve());
  });
  return socket;
}

const { cases, test } = caseList();

test("origin - a trusted proxy's X-Forwarded-Host / -Proto name the site's origin", async (s) => {
  const who = await guest(s);
  const headers = (origin: string) => ({
    cookie: who.cookie,
    origin,
    "x-forwarded-for": who.from,
    "x-forwarded-host": "chat.example",
    "x-forwarded-proto": "https",
  });
  const proxied = new TestSocket(
    new WebSocket(s.wsUrl, { headers: headers("https://chat.example") } as never),
  );
  await new Promise((resolve) => (proxied.ws.onopen = resolve));
  await proxied.close();
  const foreign = await rawUpgrade(s.wsUrl, headers("https://evil.example"));
  assert.equal(foreign.status, 403);
  foreign.conn.close();
});

test("rooms per socket - the fourth room on one socket is refused (MAX_ROOMS_PER_SOCKET=3)", async (s) => {
  const ids = await rooms(s, 4);
  const socket = await open(s, await guest(s));
  try {
    for (const id of ids.slice(0, 3)) assert.equal((await socket.join(id)).type, "joined");
    const fourth = await socket.join(ids[3]);
    assert.equal(fourth.type, "error");
    assert.equal(fourth.code, "too_many_rooms");
    // Leaving one makes room for another.
    socket.send({ type: "leave", room: ids[0] });
    assert.equal((await socket.join(ids[3])).type, "joined");
  } finally {
    await socket.close();
  }
});

test("joins per second - past the burst (JOIN_BURST=5) a join is refused", async (s) => {
  const [id] = await rooms(s, 1);
  const socket = await open(s, await guest(s));
  try {
    // Joining the same room again counts as a join too (it replays, and churns presence).
    const answers: Frame[] = [];
    for (let i = 0; i < 7; i++) socket.send({ type: "join", room: id });
    for (let i = 0; i < 7; i++) {
      answers.push(await socket.next((f) => (f.type === "joined" || f.type === "error") && f.room === id));
    }
    const refused = answers.filter((f) => f.type === "error");
    assert.ok(refused.length >= 1, JSON.stringify(answers.map((f) => f.type)));
    assert.equal(refused[0].code, "rate_limited");
    assert.equal(answers.filter((f) => f.type === "joined").length, 5);
  } finally {
    await socket.close();
  }
});

test("sockets per address - past MAX_SOCKETS_PER_ADDRESS=2 a socket is refused, over both isolates", async (s) => {
  const from = newAddress();
  // Three sessions, so the per-session bound is not what refuses.
  const people = [await guest(s, from), await guest(s, from), await guest(s, from)];
  const [id] = await rooms(s, 1);
  // Each isolate takes its share (one each here), so a second socket that lands on the isolate of
  // the first is refused and tried again, as the browser's reconnect would.
  const held: TestSocket[] = [];
  for (let i = 0; i < 60 && held.length < 2; i++) {
    const socket = await open(s, people[held.length]);
    if (socket.ws.readyState === WebSocket.OPEN) held.push(socket);
  }
  assert.equal(held.length, 2);
  for (const socket of held) assert.equal((await socket.join(id)).type, "joined");
  // New connections land on either isolate: whichever it is refuses a third.
  for (let i = 0; i < 8; i++) {
    const third = await open(s, people[2]);
    assert.notEqual(third.ws.readyState, WebSocket.OPEN, `attempt ${i} was let in`);
  }
  // Another address is not affected; closing one socket frees a place.
  const other = await open(s, await guest(s));
  assert.equal(other.ws.readyState, WebSocket.OPEN);
  await other.close();
  await held[0].close();
  let again: TestSocket | undefined;
  for (let i = 0; i < 60 && again?.ws.readyState !== WebSocket.OPEN; i++) again = await open(s, people[2]);
  assert.equal(again!.ws.readyState, WebSocket.OPEN);
  await again!.close();
  await held[1].close();
});

test("lobby SSE - the first event has every count, later ones only what changed", async (s) => {
  const [a, b] = await rooms(s, 2);
  const inA = await open(s, await guest(s));
  assert.equal((await inA.join(a)).type, "joined");
  const abort = new AbortController();
  const res = await fetch(`${s.url}/api/rooms/events`, { signal: abort.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const events = async function* () {
    while (true) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const chunk = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = chunk.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join(
          "\n",
        );
        if (data) yield JSON.parse(data);
        continue;
      }
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
    }
  }();
  try {
    const first = (await events.next()).value;
    assert.equal(first.full, true);
    // Presence reaches every isolate over the bus; wait until this stream's isolate counts room A.
    const counts: Record<string, number> = { ...first.rooms };
    while (counts[a] !== 1) Object.assign(counts, (await events.next()).value.rooms);
    const inB = await open(s, await guest(s));
    assert.equal((await inB.join(b)).type, "joined");
    let change: { rooms: Record<string, number>; full?: boolean };
    do change = (await events.next()).value; while (!(b in change.rooms));
    assert.equal(change.full, undefined);
    assert.equal(change.rooms[b], 1);
    assert.ok(!(a in change.rooms), `only what changed, not room A: ${JSON.stringify(change.rooms)}`);
    await inB.close();
    do change = (await events.next()).value; while (!(b in change.rooms));
    assert.equal(change.rooms[b], 0);
    assert.ok(!(a in change.rooms));
  } finally {
    abort.abort();
    await reader.cancel().catch(() => {});
    await inA.close();
  }
});

Deno.test("[limits] ws - every limit crossed on the real server", (t) => runCases(t, cases, ENV));
