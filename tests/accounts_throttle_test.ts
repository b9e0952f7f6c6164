/**
 * Login throttles over HTTP through the whole app, on both stores: per username (with the owner's
 * address let through), per address, and the per-address budget of password checks.
 */
import assert from "node:assert/strict";
import { accountLimits } from "@/lib/accounts/accounts.ts";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import { PW, signUp, uname, withApp } from "@/tests/support/accounts.ts";
import { awaitRoomInWindow } from "@/tests/support/windows.ts";

onBothStores((kind, open) => {
  const test = (name: string, fn: (t: TestApp) => Promise<void>) =>
    Deno.test(`[accounts:${kind}] ${name}`, () => withApp(open, fn));

  test("login - failures for one username from many addresses meet a short back-off the owner's address skips", async (t) => {
    accountLimits(t.services.config, { attemptsPerUsername: 3 });
    await awaitRoomInWindow(30_000, 5_000);
    const ownerAddress = "198.51.100.50";
    const { username } = await signUp(t.client(ownerAddress));
    for (let i = 0; i < 3; i++) {
      assert.equal((await t.client().post("/api/login", { username, password: `wrong ${i}!!` })).status, 401);
    }
    // From a new address, even with the right password: a short wait (the username's window).
    const r = await t.client().post("/api/login", { username, password: PW });
    assert.equal(r.status, 429);
    const wait = Number(r.res.headers.get("retry-after"));
    assert.ok(wait > 0 && wait <= 30, `a short back-off, not a lockout: ${wait} s`);
    // The owner, from the address they signed up from, is not locked out.
    assert.equal((await t.client(ownerAddress).post("/api/login", { username, password: PW })).status, 200);
    assert.equal((r.json!.error as { code: string }).code, "rate_limited");
    // Another username is not affected.
    const other = await signUp(t.client());
    assert.equal(
      (await t.client().post("/api/login", { username: other.username, password: PW })).status,
      200,
    );
  });

  test("login - guesses at one username sent all at once are throttled too", async (t) => {
    accountLimits(t.services.config, { attemptsPerUsername: 3 });
    await awaitRoomInWindow(30_000, 5_000);
    const { username } = await signUp(t.client());
    const statuses = await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) =>
          t.client(`192.0.2.${i + 1}`).post("/api/login", { username, password: `wrong ${i}!!` })
            .then((r) => r.status),
      ),
    );
    assert.deepEqual(statuses.sort(), [401, 401, 401, 429, 429, 429, 429, 429]);
  });

  test("login - repeated failures from one address are throttled across usernames", async (t) => {
    accountLimits(t.services.config, { failuresPerAddress: 3 });
    await awaitRoomInWindow(15 * 60_000);
    const { username } = await signUp(t.client());
    const attacker = t.client("192.0.2.66");
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await attacker.post("/api/login", { username: uname("guess"), password: PW })).status,
        401,
      );
    }
    const r = await attacker.post("/api/login", { username, password: PW });
    assert.equal(r.status, 429);
    assert.ok(Number(r.res.headers.get("retry-after")) > 0);
    // The user, from their own address, still gets in.
    assert.equal((await t.client("198.51.100.7").post("/api/login", { username, password: PW })).status, 200);
  });

  test("login - password checks per address are budgeted (signups too)", async (t) => {
    accountLimits(t.services.config, { hashesPerAddressPerMinute: 2 });
    await awaitRoomInWindow(60_000, 5_000);
    const c = t.client("203.0.113.9");
    await signUp(c);
    await signUp(c);
    const r = await c.post("/api/signup", { username: uname(), password: PW });
    assert.equal(r.status, 429);
    assert.ok(Number(r.res.headers.get("retry-after")) > 0);
  });
});
