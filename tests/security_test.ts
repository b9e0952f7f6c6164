/**
 * Security over HTTP, on both stores: headers on every response, the body limit, guest sessions per
 * address, and injection attempts (operators where strings belong) that must be 400, never a match.
 */
import assert from "node:assert/strict";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import type { Store } from "@/lib/store/types.ts";
import { awaitRoomInWindow } from "@/tests/support/windows.ts";

const PW = "correct horse battery";
let n = 0;
const uname = () => `sec_${Date.now().toString(36)}${(n++).toString(36)}`;

function assertSecurityHeaders(res: Response, what: string) {
  const csp = res.headers.get("content-security-policy") ?? "";
  const directives = new Map(
    csp.split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]),
  );
  const scripts = directives.get("script-src") ?? directives.get("default-src") ?? [];
  assert.deepEqual(scripts, ["'self'"], `${what}: scripts only from the site itself (${csp})`);
  assert.deepEqual(directives.get("frame-ancestors"), ["'none'"], `${what}: frame-ancestors`);
  assert.deepEqual(directives.get("object-src"), ["'none'"], `${what}: object-src`);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff", what);
  assert.ok(res.headers.get("referrer-policy"), `${what}: Referrer-Policy`);
}

onBothStores((kind, open) => {
  const test = (name: string, fn: (t: TestApp) => Promise<void>, env?: Record<string, string>) =>
    Deno.test(`[security:${kind}] ${name}`, async () => {
      const t = await open({ env });
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    });

  test("headers - CSP (own scripts only, no framing), nosniff, Referrer-Policy on every page and API", async (t) => {
    const guest = t.client();
    await guest.post("/api/session", { nickname: "hdr" });
    const anon = t.client();
    const cases: [string, RequestInit | undefined, typeof anon][] = [
      ["/", undefined, anon],
      ["/", undefined, guest],
      ["/login", undefined, anon],
      ["/signup", undefined, anon],
      ["/rooms/01NOSUCHROOM", undefined, guest],
      ["/no/such/page", undefined, anon],
      ["/healthz", undefined, anon],
      ["/api/me", undefined, anon],
      ["/api/me", undefined, guest],
      ["/api/rooms", undefined, anon],
      ["/api/no-such-api", undefined, anon],
      ["/api/login", { method: "POST", body: "not json" }, anon],
      ["/login", { method: "POST", body: new URLSearchParams({ username: "x", password: "y" }) }, anon],
      ["/logout", { method: "POST" }, guest],
      ["/static/build/no-such-file.js", undefined, anon],
    ];
    for (const [path, init, client] of cases) {
      const res = await client.request(path, init);
      await res.body?.cancel();
      assertSecurityHeaders(res, `${init?.method ?? "GET"} ${path} → ${res.status}`);
    }
  });

  test("body limit - over MAX_BODY_BYTES is 413, with or without Content-Length", async (t) => {
    const c = t.client();
    const big = JSON.stringify({ username: "x".repeat(2_000), password: "y" });
    const declared = await c.request("/api/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).error.code, "too_large");
    // A chunked body that never says its length is counted as it streams.
    const chunk = new TextEncoder().encode("x".repeat(512));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await c.request("/api/signup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();
    // Under the limit is fine.
    assert.equal((await c.post("/api/session", { nickname: "small" })).status, 201);
  }, { MAX_BODY_BYTES: "1024" });

  test("guest sessions - per address per minute, then 429 with Retry-After", async (t) => {
    const address = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    await awaitRoomInWindow(60_000, 5_000);
    for (let i = 0; i < 3; i++) {
      assert.equal((await t.client(address).post("/api/session", { nickname: `g${i}` })).status, 201);
    }
    const r = await t.client(address).post("/api/session", { nickname: "one too many" });
    assert.equal(r.status, 429);
    assert.ok(Number(r.res.headers.get("retry-after")) >= 1);
    assert.equal((r.json!.error as { code: string }).code, "rate_limited");
    assert.equal((await t.client().post("/api/session", { nickname: "elsewhere" })).status, 201);
  }, { GUEST_SESSIONS_PER_MINUTE: "3" });

  test("injection - operators instead of credentials are 400, never a login", async (t) => {
    const username = uname();
    await t.client().post("/api/signup", { username, password: PW });
    const bodies = [
      { username: { $ne: null }, password: { $ne: null } },
      { username, password: { $ne: null } },
      { username, password: { $gt: "" } },
      { username: { $regex: ".*" }, password: PW },
      { username: { $gt: "" }, password: PW },
      { username: [username], password: PW },
      { username, password: [PW] },
      { username: null, password: null },
      { username: 1, password: 2 },
    ];
    for (const body of bodies) {
      for (const path of ["/api/login", "/api/signup"]) {
        const r = await t.client().post(path, body);
        assert.equal(r.status, 400, `${path} ${JSON.stringify(body)} → ${r.status}`);
        assert.equal(r.res.headers.get("set-cookie"), null);
      }
    }
    for (const raw of ["[]", "null", '"x"', "1", "{", `{"username":"${username}"}`]) {
      assert.equal((await t.client().post("/api/login", raw)).status, 400, raw);
    }
  });

  test("injection - prototype keys cannot set a role", async (t) => {
    const c = t.client();
    const raw =
      `{"username":"${uname()}","password":"${PW}","__proto__":{"role":"counselor"},"role":"counselor"}`;
    const r = await c.post("/api/signup", raw);
    assert.equal(r.status, 201);
    assert.equal(r.json!.role, "user");
    assert.equal((await c.get("/api/me")).json!.role, "user");
  });

  test("injection - room names, invite codes and ids must be plain strings", async (t) => {
    const c = t.client();
    await c.post("/api/signup", { username: uname(), password: PW });
    const room = await c.post("/api/rooms", { name: `priv ${uname()}`, visibility: "private" });
    assert.equal(room.status, 201);
    for (
      const code of [
        { $gt: "" },
        { $ne: null },
        { $regex: ".*" },
        [room.json!.inviteCode],
        null,
        42,
        "",
        "../x",
      ]
    ) {
      const r = await t.client().post("/api/rooms/join", { code });
      assert.ok([400, 401].includes(r.status), `join ${JSON.stringify(code)} → ${r.status}`);
    }
    const other = t.client();
    await other.post("/api/session", { nickname: "prober" });
    for (const code of [{ $gt: "" }, { $ne: null }, [room.json!.inviteCode], "not a code!"]) {
      const r = await other.post("/api/rooms/join", { code });
      assert.equal(r.status, 400, `join ${JSON.stringify(code)} → ${r.status}`);
    }
    for (const name of [{ $gt: "" }, ["a"], null]) {
      assert.equal((await c.post("/api/rooms", { name, visibility: "public" })).status, 400);
    }
    assert.equal((await c.post("/api/rooms", { name: "x", visibility: { $ne: "public" } })).status, 400);
    for (const id of ['{"$gt":""}', "[$ne]", "$where", "a.b", "%00"]) {
      const path = `/api/rooms/${encodeURIComponent(id)}`;
      for (const r of [await other.get(`${path}/messages`), await other.post(`${path}/invite`)]) {
        assert.ok([400, 404].includes(r.status), `${path} → ${r.status}`);
      }
    }
    for (const q of ["before[$gt]=0", "limit[$gt]=0", "before=abc", "limit=1e9"]) {
      const r = await c.get(`/api/rooms/${room.json!.id}/messages?${q}`);
      assert.ok([200, 400].includes(r.status), q);
      if (r.status === 200) assert.ok(Array.isArray(r.json!.messages));
    }
    assert.equal((await other.get(`/api/rooms/${room.json!.id}/messages`)).status, 403);
  });

  test("injection - a session cookie that is not a token is never looked up", async (t) => {
    for (const value of ['{"$ne":null}', "%7B%22%24ne%22%3Anull%7D", "a".repeat(500), "x;y"]) {
      const res = await t.client().request("/api/me", { headers: { cookie: `parley_session=${value}` } });
      assert.equal(res.status, 401, value);
      await res.body?.cancel();
    }
  });

  test("store - refuses non-string ids and names outright (defence in depth)", async (t) => {
    const store = t.services.store as Store & Record<string, (...a: unknown[]) => Promise<unknown>>;
    const op = { $ne: null } as unknown as string;
    for (
      const call of [
        () => store.getUserByUsername(op),
        () => store.getRoomByInvite(op),
        () => store.getRoom(op),
        () => store.getSession(op),
        () => store.isMember(op, op),
      ]
    ) {
      await assert.rejects(call());
    }
  });
});
