/**
 * Accounts over HTTP through the whole app, on both stores (in-memory KV and FerretDB).
 */
import assert from "node:assert/strict";
import { safeNext } from "@/lib/accounts/accounts.ts";
import { hashPassword } from "@/lib/accounts/password.ts";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import { PW, sessionCookie, signUp, uname, withApp } from "@/tests/support/accounts.ts";

onBothStores((kind, open) => {
  const test = (name: string, fn: (t: TestApp) => Promise<void>) =>
    Deno.test(`[accounts:${kind}] ${name}`, () => withApp(open, fn));

  test("signup - creates a user, signs in, /api/me says who", async (t) => {
    const c = t.client();
    const r = await c.post("/api/signup", { username: "Mina.K", password: PW });
    assert.equal(r.status, 201);
    assert.deepEqual(Object.keys(r.json!).sort(), ["id", "name", "role"]);
    assert.equal(r.json!.name, "Mina.K");
    assert.equal(r.json!.role, "user");
    const setCookie = r.res.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    const me = await c.get("/api/me");
    assert.deepEqual(me.json, r.json);
    const stored = await t.services.store.getUserByUsername("mina.k");
    assert.match(stored!.passwordHash, /^pbkdf2-sha256\$600000\$/);
    assert.ok(!stored!.passwordHash.includes(PW));
  });

  test("signup - usernames: 3–32 letters (Hangul too), digits . _ -; passwords at least 8", async (t) => {
    const c = t.client();
    for (
      const username of [
        "ab",
        "a".repeat(33),
        "has space",
        "semi;colon",
        "emoji😀x",
        "$ne",
        "",
        "mina\u202Ek",
        "mi\u200Bna",
      ]
    ) {
      const r = await c.post("/api/signup", { username, password: PW });
      assert.equal(r.status, 400, username);
      assert.equal((r.json!.error as { code: string }).code, "bad_username", username);
    }
    for (const password of ["short", "1234567", "password", "12345678"]) {
      const r = await c.post("/api/signup", { username: uname(), password });
      assert.equal(r.status, 400, password);
      assert.equal((r.json!.error as { code: string }).code, "weak_password");
    }
    const name = uname();
    assert.equal((await c.post("/api/signup", { username: name, password: name })).status, 400);
    assert.equal((await c.post("/api/signup", { username: "abc", password: "12345678x" })).status, 201);
    assert.equal(
      (await t.client().post("/api/signup", { username: "a".repeat(32), password: PW })).status,
      201,
    );
    // Hangul account names, NFC-normalized: the decomposed spelling logs in to the same account.
    const hangul = await t.client().post("/api/signup", { username: "김민아", password: PW });
    assert.equal(hangul.status, 201);
    assert.equal(hangul.json!.name, "김민아");
    const nfd = await t.client().post("/api/login", { username: "김민아".normalize("NFD"), password: PW });
    assert.equal(nfd.status, 200);
    assert.equal(nfd.json!.id, hangul.json!.id);
  });

  test("signup - unique without regard to case (409 username_taken)", async (t) => {
    const name = uname("Case");
    await signUp(t.client(), name);
    for (const variant of [name, name.toLowerCase(), name.toUpperCase()]) {
      const r = await t.client().post("/api/signup", { username: variant, password: PW });
      assert.equal(r.status, 409);
      assert.equal((r.json!.error as { code: string }).code, "username_taken");
    }
  });

  test("signup - a role in the body is ignored: nothing on the web grants counselor", async (t) => {
    const c = t.client();
    const r = await c.post("/api/signup", { username: uname(), password: PW, role: "counselor" });
    assert.equal(r.status, 201);
    assert.equal(r.json!.role, "user");
  });

  test("login - issues a NEW session id; the old one stops working", async (t) => {
    const c = t.client();
    const { username } = await signUp(c);
    const first = sessionCookie(c);
    const r = await c.post("/api/login", { username: username.toUpperCase(), password: PW });
    assert.equal(r.status, 200);
    assert.equal(r.json!.name, username);
    const second = sessionCookie(c);
    assert.ok(second && second !== first);
    const stale = await t.client().request("/api/me", { headers: { cookie: `parley_session=${first}` } });
    assert.equal(stale.status, 401);
    assert.equal((await c.get("/api/me")).status, 200);
  });

  test("login - unknown user and wrong password answer exactly the same", async (t) => {
    const { username } = await signUp(t.client());
    const wrong = await t.client().post("/api/login", { username, password: "wrong password!" });
    const unknown = await t.client().post("/api/login", { username: uname("nobody"), password: PW });
    const malformed = await t.client().post("/api/login", { username: "no such user!", password: PW });
    for (const r of [wrong, unknown, malformed]) {
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, wrong.json);
      assert.equal(r.res.headers.get("set-cookie"), null);
    }
    assert.equal((wrong.json!.error as { code: string }).code, "invalid_credentials");
  });

  test("login - an old, weaker hash is upgraded on the next login", async (t) => {
    const { username, id } = await signUp(t.client());
    await t.services.store.setUserPassword(id, await hashPassword(PW, 200_000));
    assert.equal((await t.client().post("/api/login", { username, password: PW })).status, 200);
    assert.match((await t.services.store.getUser(id))!.passwordHash, /^pbkdf2-sha256\$600000\$/);
  });

  test("logout - ends the session and clears the cookie", async (t) => {
    const c = t.client();
    await signUp(c);
    const id = sessionCookie(c);
    const r = await c.post("/api/logout");
    assert.equal(r.status, 204);
    assert.match(r.res.headers.get("set-cookie") ?? "", /parley_session=;/);
    assert.equal((await c.get("/api/me")).status, 401);
    assert.equal(await t.services.store.getSession(id), null);
    // Idempotent.
    assert.equal((await c.post("/api/logout")).status, 204);
  });

  test("guest - signs up and keeps going: same id, rooms and ownership kept", async (t) => {
    const c = t.client();
    const guest = await c.post("/api/session", { nickname: "mina" });
    assert.equal(guest.status, 201);
    const guestCookie = sessionCookie(c);
    const room = await c.post("/api/rooms", { name: `hideout ${uname()}`, visibility: "private" });
    assert.equal(room.status, 201);
    const r = await c.post("/api/signup", { username: uname("mina"), password: PW });
    assert.equal(r.status, 201);
    assert.equal(r.json!.id, guest.json!.id);
    assert.equal(r.json!.role, "user");
    assert.notEqual(sessionCookie(c), guestCookie);
    assert.equal(await t.services.store.getSession(guestCookie), null);
    const lobby = await c.get("/api/rooms");
    assert.ok((lobby.json!.mine as { id: string }[]).some((m) => m.id === room.json!.id));
    assert.equal((await c.post(`/api/rooms/${room.json!.id}/invite`)).status, 200);
  });

  test("guest - logging in to an account brings the private rooms the guest joined", async (t) => {
    const { username } = await signUp(t.client());
    const owner = t.client();
    await signUp(owner);
    const room = await owner.post("/api/rooms", { name: `club ${uname()}`, visibility: "private" });
    const guest = t.client();
    await guest.post("/api/session", { nickname: "visitor" });
    assert.equal((await guest.post("/api/rooms/join", { code: room.json!.inviteCode })).status, 200);
    assert.equal((await guest.post("/api/login", { username, password: PW })).status, 200);
    assert.equal((await guest.get(`/api/rooms/${room.json!.id}/messages`)).status, 200);
  });

  test("forms - /signup and /login work without JavaScript (form POST → 303)", async (t) => {
    const c = t.client();
    const username = uname();
    const form = (fields: Record<string, string>) => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    const page = await c.request("/signup");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<form[^>]*method="post"[^>]*action="\/signup"/);
    assert.ok(!html.includes("<script"), "the form page needs no script");

    const bad = await c.request("/signup", form({ username: "x", password: PW }));
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /3–32 letters/);

    const ok = await c.request("/signup", form({ username, password: PW, next: "/rooms/abc?x=1" }));
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), "/rooms/abc?x=1");
    assert.equal((await c.get("/api/me")).json!.name, username);

    const out = await c.request("/logout", { method: "POST" });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get("location"), "/");
    assert.equal((await c.get("/api/me")).status, 401);

    const wrong = await c.request("/login", form({ username, password: "not the password" }));
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /Wrong username or password/);
    const login = await c.request("/login", form({ username, password: PW, next: "//evil.example/x" }));
    assert.equal(login.status, 303);
    assert.equal(login.headers.get("location"), "/");
    assert.equal((await c.get("/api/me")).status, 200);
  });

  test("csrf - a POST from another origin is refused (no login CSRF, no forced logout)", async (t) => {
    const { username } = await signUp(t.client());
    const c = t.client();
    for (const path of ["/api/login", "/api/signup", "/login", "/api/logout", "/logout"]) {
      const res = await c.request(path, {
        method: "POST",
        headers: { origin: "https://evil.example", "content-type": "text/plain" },
        body: JSON.stringify({ username, password: PW }),
      });
      assert.equal(res.status, 403, path);
      await res.body?.cancel();
    }
    const site = await c.request("/api/login", {
      method: "POST",
      headers: { "sec-fetch-site": "cross-site", "content-type": "application/json" },
      body: JSON.stringify({ username, password: PW }),
    });
    assert.equal(site.status, 403);
    await site.body?.cancel();
  });
});

Deno.test("[accounts] safeNext - only same-site paths", () => {
  assert.equal(safeNext("/rooms/1"), "/rooms/1");
  assert.equal(safeNext("/a?b=c#d"), "/a?b=c#d");
  for (
    const bad of [
      "//evil.example",
      "/\\evil.example",
      "/.//evil.example",
      "/./\\evil.example",
      "/\t/evil.example",
      "/%2e//evil.example",
      "/a/..//evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "",
      42,
      null,
    ]
  ) {
    assert.equal(safeNext(bad), "/", String(bad));
  }
});
