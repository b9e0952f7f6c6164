/**
 * The limits of issue 10 over HTTP, each crossed on the real server (`lib/ops/server.ts`, two
 * isolates). The server believes X-Forwarded-For from 127.0.0.1 (TRUSTED_PROXIES), so each test
 * speaks from addresses of its own; one more server trusts nobody, to show forwarded headers ignored.
 */
import assert from "node:assert/strict";
import { startServer } from "@/tests/support/server.ts";
import {
  account,
  call,
  caseList,
  codeOf,
  guest,
  newAddress,
  PW,
  runCases,
  unique,
} from "@/tests/support/limits_http.ts";

/** Steps of the one test below: one server for them all, started and stopped there. */
const { cases, test } = caseList();

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
  const sources = [
    "entry.en.ts",
    "catalog_browser.ts",
    "deno.lock",
    "bundle.deno.json",
    "meta.json",
    "../../deno.json",
  ];
  for (const path of sources) {
    const r = await call(s, `/static/build/${path}`);
    assert.equal(r.status, 404, path);
  }
  assert.equal((await call(s, "/static/build/entry.en.js")).status, 200);
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

Deno.test("[limits] http - every limit crossed on the real server", (t) => runCases(t, cases));

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
