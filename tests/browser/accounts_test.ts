/**
 * Accounts and private rooms in Chromium against the real server (`lib/ops/server.ts`): sign up,
 * log out, log in, create a private room; a second browser joins with the invite link; a third,
 * without it, is refused by the page and by the socket. Runs on KV and on FerretDB.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { withServer } from "@/tests/support/server.ts";
import { newPage, withBrowser } from "@/tests/support/browser.ts";
import { sharedFerretDB } from "@/tests/support/ferretdb.ts";

const PW = "correct horse battery";
const unique = (p: string) => `${p}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

async function submitAuthForm(page: Page, base: string, mode: "signup" | "login", username: string) {
  await page.goto(`${base}/${mode}`);
  await page.fill("form.auth-form input[name=username]", username);
  await page.fill("form.auth-form input[name=password]", PW);
  await Promise.all([page.waitForURL(`${base}/`), page.click("form.auth-form button[type=submit]")]);
}

async function whoami(page: Page): Promise<string | null> {
  const el = page.locator("header .whoami");
  return (await el.count()) ? (await el.innerText()).trim() : null;
}

async function flow(browser: Browser, base: string) {
  // 1. Sign up, log out, log in.
  const a = await newPage(browser);
  const alice = unique("alice");
  await submitAuthForm(a.page, base, "signup", alice);
  assert.equal(await whoami(a.page), alice, "the lobby shows who is signed in");
  await Promise.all([a.page.waitForURL(`${base}/`), a.page.click("header form[action='/logout'] button")]);
  assert.equal(await whoami(a.page), null);
  assert.ok(await a.page.locator("header a[href='/login']").isVisible());
  await submitAuthForm(a.page, base, "login", alice);
  assert.equal(await whoami(a.page), alice);

  // A wrong password is refused on the page, without saying which part was wrong.
  const wrong = await newPage(browser);
  await wrong.page.goto(`${base}/login`);
  await wrong.page.fill("form.auth-form input[name=username]", alice);
  await wrong.page.fill("form.auth-form input[name=password]", "not the password");
  await wrong.page.click("form.auth-form button[type=submit]");
  await wrong.page.locator(".form-error", { hasText: "Wrong username or password" }).waitFor();
  await wrong.context.close();

  // 2. Create a private room; read its invite link.
  const roomName = unique("hideout");
  await a.page.fill("#create-name", roomName);
  await a.page.click("label[for=vis-private]");
  await a.page.click("text=Create room");
  const invite = await a.page.locator(".invite input").inputValue();
  assert.match(invite, /\?invite=[A-Za-z0-9_-]{22,}$/);
  await a.page.click("text=Open the room");
  await a.page.waitForURL(/\/rooms\//);
  const roomUrl = a.page.url();
  await a.page.waitForSelector(".conn-open");

  // 3. A second browser follows the invite link (as a guest) and lands in the room.
  const b = await newPage(browser);
  await b.page.goto(invite);
  // The invite page names the room and offers one "Join" button, with a nickname first for a stranger.
  await b.page.locator(".invite-page strong", { hasText: roomName }).waitFor();
  await b.page.fill("#invite-nick", "bea");
  await b.page.click("button.join-invite");
  await b.page.waitForURL(roomUrl, { timeout: 10_000 }).catch(async (err) => {
    const said = await b.page.locator("[role=alert]").allInnerTexts();
    throw new Error(
      `the invite link did not lead into the room (${said.join(" | ")}; ${b.errors.join(" | ")})`,
      {
        cause: err,
      },
    );
  });
  await b.page.waitForSelector(".conn-open");
  await b.page.fill("#composer-input", "hello from the invite link");
  await b.page.press("#composer-input", "Enter");
  await a.page.locator(".msg:not(.pending) .bubble", { hasText: "hello from the invite link" }).waitFor();

  // 4. A third browser, signed in but without the link, is refused: page, history and socket.
  const c = await newPage(browser);
  await submitAuthForm(c.page, base, "signup", unique("carol"));
  const res = await c.page.goto(roomUrl);
  assert.equal(res?.status(), 403);
  await c.page.locator("h1", { hasText: "This room is private" }).waitFor();
  assert.equal(await c.page.locator(".msg").count(), 0);
  assert.ok(!(await c.page.content()).includes("hello from the invite link"));
  const roomId = new URL(roomUrl).pathname.split("/").pop()!;
  const refused = await c.page.evaluate(async (room) => {
    const history = (await fetch(`/api/rooms/${room}/messages`)).status;
    const lobby = await (await fetch("/api/rooms")).json();
    const listed = [...lobby.rooms, ...lobby.mine].some((r: { id: string }) => r.id === room);
    const frame = await new Promise<{ type: string; code?: string }>((resolve, reject) => {
      const ws = new WebSocket(`${location.origin.replace("http", "ws")}/ws`);
      ws.onopen = () => ws.send(JSON.stringify({ type: "join", room }));
      ws.onmessage = (e) => {
        const f = JSON.parse(String(e.data).split("\n")[0]);
        if (f.type === "joined" || f.type === "error") {
          ws.close();
          resolve(f);
        }
      };
      ws.onclose = (e) => reject(new Error(`closed ${e.code}`));
    });
    return { history, listed, frame };
  }, roomId);
  assert.equal(refused.history, 403);
  assert.equal(refused.listed, false);
  assert.equal(refused.frame.type, "error");
  assert.equal(refused.frame.code, "forbidden");

  // Nothing on any page broke the CSP or threw.
  for (const p of [a, b, c]) assert.deepEqual(p.errors, []);
  for (const p of [a, b, c]) await p.context.close();
}

const ferret = sharedFerretDB();

for (const kind of ["kv", "mongo"] as const) {
  Deno.test({
    name: `[browser:${kind}] accounts - sign up, log out, log in, private room, invite link, refusal`,
    sanitizeOps: false, // playwright keeps pipes to the browser process between steps
    sanitizeResources: false,
    async fn() {
      const env: Record<string, string> = {};
      if (kind === "mongo") {
        env.MONGODB_URI = `${(await ferret.get()).replace(/\/$/, "")}/parley_browser_${unique("db")}`;
      }
      await withServer(async (server) => {
        await withBrowser((browser) => flow(browser, server.url));
      }, { env });
    },
  });
}
