/**
 * The limits of issue 10 over HTTP, each crossed on the real server (`deno serve --parallel`, two
 * isolates). The server believes X-Forwarded-For from 127.0.0.1 (TRUSTED_PROXIES), so each test
 * speaks from addresses of its own; one more server trusts nobody, to show forwarded headers ignored.
 */
import assert from "node:assert/strict";
import { startServer, type TestServer } from "@/tests/support/server.ts";
import { awaitRoomInWindow } from "@/tests/support/windows.ts";

const PW = "correct horse battery";
let n = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}`;
let addressCounter = 0;
const newAddress = () => `203.0.${(++addressCounter >> 8) & 255}.${addressCounter & 255}`;

interface Call {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  cookie?: string;
  from?: string;
  headers?: Record<string, string>;
}

/** One request on a fresh connection (so requests spread over both isolates). */
async function call(server: TestServer, path: string, init: Call = {}) {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(server.url + path, {
      client,
      redirect: "manual",
      method: init.method ?? (init.json === undefined && init.body === undefined ? "GET" : "POST"),
      headers: {
        accept: "application/json",
        ...(init.json === undefined ? {} : { "content-type": "application/json" }),
        ...(init.cookie ? { cookie: init.cookie } : {}),
        ...(init.from ? { "x-forwarded-for": init.from } : {}),
        ...init.headers,
      },
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    });
    const text = await res.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(text);
    } catch { /* HTML */ }
    const cookie = res.headers.get("set-cookie")?.split(";")[0];
    return { status: res.status, headers: res.headers, text, json, cookie };
  } finally {
    client.close();
  }
}

const codeOf = (r: { json: Record<string, unknown> | null }) => (r.json?.error as { code?: string })?.code;

async function guest(server: TestServer, from = newAddress(), nickname = unique("g")) {
  const r = await call(server, "/api/session", { json: { nickname }, from });
  assert.equal(r.status, 201, r.text);
  return { cookie: r.cookie!, from };
}

async function account(server: TestServer, from = newAddress()) {
  const username = unique("u");
  const r = await call(server, "/api/signup", { json: { username, password: PW }, from });
  assert.equal(r.status, 201, r.text);
  return { username, cookie: r.cookie!, from, id: r.json!.id as string };
}

const ENV = {
  TRUSTED_PROXIES: "127.0.0.1",
  ROOMS_PER_USER_PER_HOUR: "3",
  ROOMS_PER_ADDRESS_PER_HOUR: "5",
  LOBBY_PAGE_SIZE: "4",
};

const cases: [string, (s: TestServer) => Promise<void>][] = [];
/** A step of the one test below: one server for them all, started and stopped there. */
const test = (name: string, fn: (s: TestServer) => Promise<void>) => void cases.push([name, fn]);

test("next - a path that normalizes to another host goes to / instead", async (s) => {
  const { username } = await account(s);
  for (const next of ["/.//evil.example", "/./\\evil.example", "/a/..//evil.example", "//evil.example"]) {
    const r = await call(s, "/login", {
      body: new URLSearchParams({ username, password: PW, next }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      from: newAddress(),
    });
    assert.equal(r.status, 303, next);
    assert.equal(r.headers.get("location"), "/", next);
  }
});

test("escaping - message text and names are escaped once in the server-rendered room page", async (s) => {
  const { cookie, from } = await guest(s, newAddress(), "Tom & Jerry <3");
  const reader = await guest(s);
  const room = await call(s, "/api/rooms", { json: { name: "Tom & Jerry <3 room" }, cookie, from });
  assert.equal(room.status, 201, room.text);
  const id = room.json!.id as string;
  const ws = new WebSocket(s.wsUrl, { headers: { cookie, "x-forwarded-for": from } } as never);
  await new Promise((resolve) => (ws.onopen = resolve));
  const acked = new Promise((resolve) => {
    ws.onmessage = (e) => {
      for (const line of String(e.data).split("\n")) if (JSON.parse(line).type === "ack") resolve(line);
    };
  });
  ws.send(JSON.stringify({ type: "join", room: id }));
  ws.send(JSON.stringify({ type: "send", room: id, clientId: "c1", text: "Tom & Jerry <3" }));
  await acked;
  ws.close();
  // Read by someone else, who sees the author's name (the author sees "You").
  const page = await call(s, `/rooms/${id}`, { ...reader, headers: { accept: "text/html" } });
  assert.equal(page.status, 200);
  assert.match(page.text, /<p class="bubble" dir="auto"[^>]*>Tom &amp; Jerry &lt;3<\/p>/);
  assert.doesNotMatch(page.text, /&amp;amp;|&amp;lt;/);
  assert.match(page.text, /<bdi class="msg-author">Tom &amp; Jerry &lt;3<\/bdi>/);
});

test("room names - a private room's name is never told to a stranger, nor blocks a public one", async (s) => {
  const owner = await guest(s);
  const name = unique("Secret Den ");
  const hidden = await call(s, "/api/rooms", { json: { name, visibility: "private" }, ...owner });
  assert.equal(hidden.status, 201);
  const stranger = await guest(s);
  assert.equal((await call(s, `/api/rooms/lookup?name=${encodeURIComponent(name)}`, stranger)).status, 404);
  const open = await call(s, "/api/rooms", { json: { name: name.toUpperCase() }, ...stranger });
  assert.equal(open.status, 201, open.text);
  const found = await call(s, `/api/rooms/lookup?name=${encodeURIComponent(name)}`, stranger);
  assert.equal(found.json!.id, open.json!.id);
  // Public names stay unique, in the reader's language.
  const again = await call(s, "/api/rooms", {
    json: { name },
    ...(await guest(s)),
    headers: { "accept-language": "ko" },
  });
  assert.equal(again.status, 409);
  assert.equal(codeOf(again), "room_exists");
  assert.match((again.json!.error as { message: string }).message, /공개 방/);
});

test("names - bidi overrides, zero-width characters and combining towers are refused; Hangul is not", async (s) => {
  const from = newAddress();
  for (const nickname of ["ev\u202Eil", "mi\u200Bna", `x${"\u0301".repeat(2000)}`, "\u3164"]) {
    const r = await call(s, "/api/session", { json: { nickname }, from });
    assert.equal(r.status, 400, JSON.stringify(nickname));
    assert.equal(codeOf(r), "bad_nickname");
  }
  const g = await guest(s);
  for (const name of ["room\u202E", "a\u2066b", `x${"\u0308".repeat(50)}`]) {
    const r = await call(s, "/api/rooms", { json: { name }, ...g });
    assert.equal(r.status, 400, JSON.stringify(name));
    assert.equal(codeOf(r), "bad_name");
  }
  const hangul = unique("김민아");
  const signup = await call(s, "/api/signup", {
    json: { username: hangul, password: PW },
    from: newAddress(),
  });
  assert.equal(signup.status, 201, signup.text);
  // The same name typed decomposed (NFD) is the same account.
  const login = await call(s, "/api/login", {
    json: { username: hangul.normalize("NFD"), password: PW },
    from: newAddress(),
  });
  assert.equal(login.status, 200);
  assert.equal(login.json!.name, hangul);
});

test("cache - private API answers carry Cache-Control: no-store", async (s) => {
  const g = await guest(s);
  for (const path of ["/api/me", "/api/rooms", "/api/no-such-api"]) {
    const r = await call(s, path, g);
    assert.equal(r.headers.get("cache-control"), "no-store", path);
  }
  const sse = new AbortController();
  const res = await fetch(`${s.url}/api/rooms/events`, { signal: sse.signal });
  assert.equal(res.headers.get("cache-control"), "no-store");
  sse.abort();
  await res.body?.cancel().catch(() => {});
});

test("static/build - only built bundles are served, never their sources or lock", async (s) => {
  for (const path of ["entry.ts", "deno.lock", "bundle.deno.json", "meta.json", "../../deno.json"]) {
    const r = await call(s, `/static/build/${path}`);
    assert.equal(r.status, 404, path);
  }
  assert.equal((await call(s, "/static/build/islands.js")).status, 200);
});

test("bodies - a malformed body of any content type is 400, never 500", async (s) => {
  const cases: [string, string, string][] = [
    ["/login", "multipart/form-data", "--x\r\n"],
    ["/login", "multipart/form-data; boundary=zz", "not multipart at all"],
    ["/api/login", "application/json", "{nope"],
    ["/api/session", "text/plain", "\u0000\u0001"],
    ["/api/rooms", "application/x-www-form-urlencoded", "%%%"],
  ];
  const g = await guest(s);
  for (const [path, type, body] of cases) {
    const r = await call(s, path, {
      body,
      cookie: g.cookie,
      from: g.from,
      headers: { "content-type": type },
    });
    assert.equal(r.status, 400, `${path} ${type}: ${r.status} ${r.text.slice(0, 200)}`);
  }
});

test("rooms made - bounded per user (ROOMS_PER_USER_PER_HOUR=3) and per address (=5)", async (s) => {
  await awaitRoomInWindow(3_600_000);
  const me = await guest(s);
  for (let i = 0; i < 3; i++) {
    assert.equal((await call(s, "/api/rooms", { json: { name: unique("r") }, ...me })).status, 201);
  }
  const fourth = await call(s, "/api/rooms", { json: { name: unique("r") }, ...me });
  assert.equal(fourth.status, 429);
  assert.ok(Number(fourth.headers.get("retry-after")) > 0);
  // New guest sessions from one address share the address's budget: 5 rooms, then 429.
  const from = newAddress();
  const statuses = [];
  for (let i = 0; i < 6; i++) {
    const g = await guest(s, from);
    statuses.push((await call(s, "/api/rooms", { json: { name: unique("a") }, ...g })).status);
  }
  assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429]);
});

test("lobby - paged by a cursor, each page bounded (LOBBY_PAGE_SIZE=4) however many rooms", async (s) => {
  const made: string[] = [];
  for (let i = 0; i < 3; i++) {
    const g = await guest(s);
    for (let j = 0; j < 3; j++) {
      const r = await call(s, "/api/rooms", { json: { name: unique("lobby") }, ...g });
      assert.equal(r.status, 201);
      made.push(r.json!.id as string);
    }
  }
  const seen: string[] = [];
  let cursor: string | null = "";
  let pages = 0;
  while (cursor !== null) {
    const r = await call(s, `/api/rooms${cursor ? `?cursor=${cursor}` : ""}`);
    assert.equal(r.status, 200);
    const rooms = r.json!.rooms as { id: string }[];
    assert.ok(rooms.length <= 4, `page of ${rooms.length}`);
    seen.push(...rooms.map((x) => x.id));
    cursor = r.json!.nextCursor as string | null;
    pages++;
  }
  assert.ok(pages >= 3);
  for (const id of made) assert.ok(seen.includes(id));
  assert.equal(new Set(seen).size, seen.length, "no room twice");
  assert.equal((await call(s, "/api/rooms?cursor=%7B%24gt%3A1%7D")).status, 400);
  // The lobby page shows the first page only.
  const html = await call(s, "/", { headers: { accept: "text/html" } });
  assert.equal((html.text.match(/class="room-card"/g) ?? []).length, 4);
});

test("log-in - an attacker's failures slow the username, not the owner's own address", async (s) => {
  const owner = await account(s);
  const attacker = newAddress();
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    statuses.push(
      (await call(s, "/api/login", {
        json: { username: owner.username, password: `guess ${i}!!` },
        from: attacker,
      }))
        .status,
    );
  }
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
  assert.deepEqual(statuses.slice(10), [429, 429]);
  // The owner, from the address the account was made from, gets in at once.
  const mine = await call(s, "/api/login", {
    json: { username: owner.username, password: PW },
    from: owner.from,
  });
  assert.equal(mine.status, 200);
  // A new address meets the username's short back-off, never a quarter of an hour.
  const elsewhere = await call(s, "/api/login", {
    json: { username: owner.username, password: PW },
    from: newAddress(),
  });
  if (elsewhere.status === 429) assert.ok(Number(elsewhere.headers.get("retry-after")) <= 30);
  else assert.equal(elsewhere.status, 200);
});

test("password change - ends every other session at once; this one stays", async (s) => {
  const me = await account(s);
  const other = await call(s, "/api/login", { json: { username: me.username, password: PW }, from: me.from });
  assert.equal(other.status, 200);
  const otherCookie = other.cookie!;
  const sockets = await Promise.all(
    [0, 1, 2, 3].map(() =>
      new Promise<{ ws: WebSocket; closed: Promise<number> }>((resolve) => {
        const ws = new WebSocket(
          s.wsUrl,
          { headers: { cookie: otherCookie, "x-forwarded-for": me.from } } as never,
        );
        const closed = new Promise<number>((done) => (ws.onclose = (e) => done(e.code)));
        ws.onopen = () => resolve({ ws, closed });
      })
    ),
  );
  const changed = await call(s, "/api/password", {
    json: { current: PW, password: "a brand new passphrase" },
    cookie: me.cookie,
    from: me.from,
  });
  assert.equal(changed.status, 204, changed.text);
  // Every socket of the other session closes with 4403, on whichever isolate it was.
  assert.deepEqual(await Promise.all(sockets.map((x) => x.closed)), [4403, 4403, 4403, 4403]);
  assert.equal((await call(s, "/api/me", { cookie: otherCookie })).status, 401);
  assert.equal((await call(s, "/api/me", { cookie: me.cookie })).status, 200);
  const wrong = await call(s, "/api/password", {
    json: { current: "not it at all", password: "another new passphrase" },
    cookie: me.cookie,
    from: me.from,
  });
  assert.equal(codeOf(wrong), "wrong_password");
});

Deno.test("[limits] http - every limit crossed on the real server", async (t) => {
  const s = await startServer({ env: ENV });
  try {
    for (const [name, fn] of cases) {
      await t.step(name, async () => {
        try {
          await fn(s);
        } catch (error) {
          console.error(`--- server output ---\n${s.output().slice(-4_000)}`);
          throw error;
        }
      });
    }
  } finally {
    await s.stop();
  }
});

Deno.test("[limits] forwarded headers - ignored without TRUSTED_PROXIES", async () => {
  const plain = await startServer();
  try {
    const { username } = await account(plain);
    // Each failure claims another address; all count against the one real address.
    for (let i = 0; i < 10; i++) {
      const r = await call(plain, "/api/login", {
        json: { username, password: `no ${i}!!!` },
        from: newAddress(),
      });
      assert.equal(r.status, 401);
    }
    const eleventh = await call(plain, "/api/login", {
      json: { username, password: PW },
      from: newAddress(),
    });
    assert.equal(eleventh.status, 429);
    // X-Forwarded-Host from anyone does not make evil.example this site's origin.
    const forged = await call(plain, "/api/logout", {
      method: "POST",
      headers: { origin: "http://evil.example", "x-forwarded-host": "evil.example" },
    });
    assert.equal(forged.status, 403);
  } finally {
    await plain.stop();
  }
});
