/**
 * The chat in a real browser (Debian's Chromium) against the real server: two people chatting,
 * catching up after a server restart, IME-safe Enter, escaping, empty sends and links.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startServer, withServer } from "@/tests/support/server.ts";
import { newPage, withBrowser } from "@/tests/support/browser.ts";

/** Opens a room as a new guest and waits for the live connection. */
async function enterRoom(page: Page, url: string, nickname: string) {
  await page.goto(url);
  await page.fill("#nick-input", nickname);
  await page.click(".nickname-form button[type=submit]");
  await page.waitForSelector(".conn-open");
}

async function say(page: Page, text: string) {
  await page.fill("#composer-input", text);
  await page.press("#composer-input", "Enter");
}

/** The texts of the stored (not pending) messages in the log, in order. */
function texts(page: Page, own?: boolean): Promise<string[]> {
  const sel = own === undefined
    ? ".msg:not(.pending) .bubble"
    : `.msg${own ? ".own" : ":not(.own)"}:not(.pending) .bubble`;
  return page.locator(sel).allInnerTexts();
}

async function waitForText(page: Page, text: string, timeout = 10_000) {
  await page.locator(".msg:not(.pending) .bubble", { hasText: text }).first().waitFor({ timeout });
}

/** Resolves after the page painted twice: whatever the last events changed is rendered by then. */
async function painted(page: Page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Sends a marker from `from` and waits for it on every page: messages show in seq order, so anything
 * sent before it (a second copy, a late message) is on screen by then. Tests prove "not sent twice"
 * this way, not by sleeping.
 */
async function marker(from: Page, pages: Page[]): Promise<string> {
  const text = `marker ${crypto.randomUUID().slice(0, 8)}`;
  await say(from, text);
  for (const page of pages) await waitForText(page, text);
  return text;
}

/** Makes a public room through the lobby's form; returns its URL. */
async function createRoom(page: Page, base: string, nickname: string, name: string): Promise<string> {
  await page.goto(base + "/");
  await page.fill("#create-nick", nickname);
  await page.fill("#create-name", name);
  await page.click("text=Create room");
  await page.waitForURL(/\/rooms\//);
  return page.url();
}

Deno.test({
  name: "[browser] chat - two people, IME, escaping, empty send, links",
  sanitizeOps: false, // playwright keeps pipes to the browser process between steps
  sanitizeResources: false,
  async fn(t) {
    await withServer(async (server) => {
      await withBrowser(async (browser) => {
        const a = await newPage(browser);
        const b = await newPage(browser, { width: 360, height: 740 });
        const roomUrl = await createRoom(
          a.page,
          server.url,
          "mina",
          `room-${crypto.randomUUID().slice(0, 8)}`,
        );
        await a.page.waitForSelector(".conn-open");
        await enterRoom(b.page, roomUrl, "joe");

        await t.step("each sees the other's message; own messages are styled as own", async () => {
          await say(a.page, "hello from mina");
          await waitForText(b.page, "hello from mina");
          await say(b.page, "hi mina, joe here");
          await waitForText(a.page, "hi mina, joe here");
          await waitForText(b.page, "hi mina, joe here");
          assert.deepEqual(await texts(a.page, true), ["hello from mina"]);
          assert.deepEqual(await texts(a.page, false), ["hi mina, joe here"]);
          assert.deepEqual(await texts(b.page, true), ["hi mina, joe here"]);
          const own = await a.page.locator(".msg.own .bubble").first().evaluate((el) =>
            getComputedStyle(el).backgroundColor
          );
          const other = await a.page.locator(".msg:not(.own) .bubble").first().evaluate((el) =>
            getComputedStyle(el).backgroundColor
          );
          assert.notEqual(own, other);
          assert.match(await a.page.locator(".chat-members").innerText(), /joe/);
        });

        await t.step(
          "Enter during IME composition never sends; the Enter after compositionend sends once",
          async () => {
            const before = (await texts(a.page)).length;
            await a.page.focus("#composer-input");
            await a.page.evaluate(() => {
              const ta = document.querySelector<HTMLTextAreaElement>("#composer-input")!;
              const key = (init: KeyboardEventInit) =>
                ta.dispatchEvent(
                  new KeyboardEvent("keydown", {
                    key: "Enter",
                    code: "Enter",
                    bubbles: true,
                    cancelable: true,
                    ...init,
                  }),
                );
              ta.dispatchEvent(new CompositionEvent("compositionstart", { bubbles: true, data: "" }));
              ta.value = "안녕";
              ta.dispatchEvent(
                new InputEvent("input", {
                  bubbles: true,
                  data: "안녕",
                  inputType: "insertCompositionText",
                  isComposing: true,
                }),
              );
              key({ isComposing: true, keyCode: 229 });
            });
            // A send shows a pending bubble on the next render.
            await painted(a.page);
            assert.equal((await texts(a.page)).length, before, "Enter while composing sent a message");
            assert.equal(await a.page.locator(".msg.pending").count(), 0);
            // The same physical Enter: the IME commits, then passes the key on (Chrome/Windows, Korean).
            await a.page.evaluate(() => {
              const ta = document.querySelector<HTMLTextAreaElement>("#composer-input")!;
              ta.dispatchEvent(new CompositionEvent("compositionend", { bubbles: true, data: "안녕" }));
              ta.dispatchEvent(
                new KeyboardEvent("keydown", {
                  key: "Enter",
                  code: "Enter",
                  keyCode: 13,
                  bubbles: true,
                  cancelable: true,
                }),
              );
            });
            await waitForText(a.page, "안녕");
            assert.equal(await a.page.inputValue("#composer-input"), "");
            await marker(a.page, [a.page]);
            assert.equal((await texts(a.page)).filter((x) => x === "안녕").length, 1);
            await waitForText(b.page, "안녕");
          },
        );

        await t.step("Shift+Enter breaks the line instead of sending", async () => {
          await a.page.fill("#composer-input", "line one");
          await a.page.press("#composer-input", "Shift+Enter");
          await a.page.keyboard.type("line two");
          assert.equal(await a.page.inputValue("#composer-input"), "line one\nline two");
          await a.page.press("#composer-input", "Enter");
          await waitForText(b.page, "line two");
          assert.ok((await texts(b.page)).includes("line one\nline two"));
        });

        await t.step("an empty or blank message is not sent: 'Enter a message'", async () => {
          const before = await texts(a.page);
          await say(a.page, "   ");
          const alert = a.page.locator("#composer-error");
          await alert.waitFor();
          assert.equal(await alert.innerText(), "Enter a message");
          assert.equal(await alert.getAttribute("role"), "alert");
          assert.equal(await a.page.getAttribute("#composer-input", "aria-invalid"), "true");
          await a.page.fill("#composer-input", "x");
          assert.equal(await alert.count(), 0, "the error clears once there is text");
          await a.page.fill("#composer-input", "");
          // Nothing was sent: a marker sent now is the next message after the ones before.
          const sent = await marker(a.page, [a.page]);
          assert.deepEqual(await texts(a.page), [...before, sent]);
        });

        await t.step("markup is shown as text and never runs", async () => {
          const payloads = [
            "<img src=x onerror=alert(1)>",
            "<script>alert(2)</script>",
            `"><svg onload=alert(3)>`,
          ];
          for (const p of payloads) await say(b.page, p);
          for (const p of payloads) await waitForText(a.page, p);
          await painted(a.page);
          for (const page of [a.page, b.page]) {
            const bubbles = await texts(page);
            for (const p of payloads) assert.ok(bubbles.includes(p), `missing ${p}`);
            assert.equal(await page.locator(".messages img, .messages script, .messages svg").count(), 0);
          }
          assert.deepEqual([...a.dialogs, ...b.dialogs], []);
        });

        await t.step("only http(s) URLs become links, opened safely", async () => {
          await say(
            a.page,
            "docs https://deno.com/manual. no javascript:alert(1) or data:text/html,x; and http://example.com",
          );
          await waitForText(b.page, "docs https://deno.com/manual");
          const links = b.page.locator(".msg .bubble", { hasText: "docs https://deno.com/manual" }).locator(
            "a",
          );
          assert.equal(await links.count(), 2);
          assert.deepEqual(await links.evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).href)), [
            "https://deno.com/manual",
            "http://example.com/",
          ]);
          for (const i of [0, 1]) {
            assert.equal(await links.nth(i).getAttribute("rel"), "noopener noreferrer");
            assert.equal(await links.nth(i).getAttribute("target"), "_blank");
          }
        });

        assert.deepEqual([...a.errors, ...b.errors], []);
      });
    });
  },
});

Deno.test({
  name: "[browser] chat - a server restart is caught up without loss or duplicates",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "parley-restart-" });
    const kvPath = `${dir}/parley.kv`;
    let server = await startServer({ kvPath });
    const port = Number(new URL(server.url).port);
    try {
      await withBrowser(async (browser) => {
        const a = await newPage(browser);
        const b = await newPage(browser);
        const roomUrl = await createRoom(
          a.page,
          server.url,
          "mina",
          `restart-${crypto.randomUUID().slice(0, 8)}`,
        );
        await a.page.waitForSelector(".conn-open");
        await enterRoom(b.page, roomUrl, "joe");
        await say(a.page, "before restart");
        await waitForText(b.page, "before restart");

        await server.stop();
        await a.page.locator(".conn", { hasText: "Connection is closed — reconnecting" }).waitFor();
        await b.page.locator(".conn-closed").waitFor();
        // Sent while the server is down: waits in the outbox, goes once after the restart.
        await say(a.page, "sent while down");
        await a.page.locator(".msg.pending", { hasText: "sent while down" }).waitFor();
        // Mina stays offline while joe talks, so she must catch up with `since` afterwards.
        await a.context.setOffline(true);

        server = await startServer({ kvPath, port });
        await b.page.waitForSelector(".conn-open", { timeout: 20_000 });
        for (const n of [1, 2, 3]) await say(b.page, `missed ${n}`);
        await waitForText(b.page, "missed 3");
        assert.equal(await a.page.locator(".conn-open").count(), 0);

        await a.context.setOffline(false);
        await a.page.waitForSelector(".conn-open", { timeout: 20_000 });
        await waitForText(a.page, "missed 3");
        await waitForText(b.page, "sent while down");
        // A resent copy would be stored, and shown, before a message sent after the reconnect.
        await marker(b.page, [a.page, b.page]);
        const expected = ["before restart", "sent while down", "missed 1", "missed 2", "missed 3"];
        for (const page of [a.page, b.page]) {
          const got = await texts(page);
          for (const text of expected) {
            assert.equal(got.filter((x) => x === text).length, 1, `${text} in ${got}`);
          }
        }
        // Both end with the same order, the store's seq order.
        assert.deepEqual(await texts(a.page), await texts(b.page));
        assert.equal(await a.page.locator(".msg.pending").count(), 0);
      });
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
