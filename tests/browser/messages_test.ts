/**
 * Message changes in real browsers (Debian's Chromium) against the real server: an edit and a delete
 * reach a second browser live and, after its socket dropped, on its reconnect; reactions; an image
 * shown inline with its size reserved; a notification and a title count for a hidden tab.
 */
import assert from "node:assert/strict";
import type { Page, WebSocketRoute } from "playwright-core";
import sharp from "sharp";
import { withServer } from "@/tests/support/server.ts";
import { newPage, withBrowser } from "@/tests/support/browser.ts";

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

const line = (page: Page, text: string) => page.locator(".msg:not(.pending)", { hasText: text }).first();

Deno.test({
  name: "[browser] messages - edit, delete, reactions, images and notifications",
  sanitizeOps: false, // playwright keeps pipes to the browser process between steps
  sanitizeResources: false,
  async fn(t) {
    const files = await Deno.makeTempDir({ prefix: "parley_browser_files_" });
    try {
      await withServer(async (server) => {
        await withBrowser(async (browser) => {
          const a = await newPage(browser);
          const b = await newPage(browser);
          // Deleting asks "for everyone?": A says yes.
          await a.page.addInitScript(() => globalThis.confirm = () => true);
          // B's socket goes through the test, which can drop it and refuse reconnects for a while.
          let open = true;
          let current: WebSocketRoute | null = null;
          await b.page.routeWebSocket(/\/ws$/, (ws) => {
            if (!open) return void ws.close({ code: 4000, reason: "test: offline" });
            current = ws;
            ws.connectToServer();
          });
          // Notifications B's page shows are recorded (headless Chromium draws none).
          await b.context.grantPermissions(["notifications"], { origin: server.url });
          await b.page.addInitScript(() => {
            const shown: { title: string; body?: string }[] = [];
            (globalThis as unknown as { shown: typeof shown }).shown = shown;
            const Real = globalThis.Notification;
            globalThis.Notification = class extends Real {
              constructor(title: string, options?: NotificationOptions) {
                super(title, options);
                shown.push({ title, body: options?.body });
              }
            } as typeof Notification;
          });
          await a.page.goto(server.url + "/");
          await a.page.fill("#create-nick", "mina");
          await a.page.fill("#create-name", `changes-${crypto.randomUUID().slice(0, 8)}`);
          await a.page.click("text=Create room");
          await a.page.waitForURL(/\/rooms\//);
          await a.page.waitForSelector(".conn-open");
          const roomUrl = a.page.url();
          await enterRoom(b.page, roomUrl, "joe");

          await t.step("an edit is seen live by the other browser, marked edited", async () => {
            await say(a.page, "helo wrld");
            await line(b.page, "helo wrld").waitFor();
            await line(a.page, "helo wrld").locator(".msg-edit").click();
            await a.page.fill(".edit-text", "hello world");
            await a.page.press(".edit-text", "Enter");
            await line(b.page, "hello world").locator(".edited").waitFor();
            assert.equal(await b.page.locator(".bubble", { hasText: "helo wrld" }).count(), 0);
          });

          await t.step("a reaction shows with its count on both sides", async () => {
            await line(b.page, "hello world").locator(".reaction-add").click();
            await b.page.click(".reaction-picker button:has-text('👍')");
            const chip = line(a.page, "hello world").locator(".reaction", { hasText: "👍" });
            await chip.waitFor();
            assert.match(await chip.innerText(), /👍\s*1/);
          });

          await t.step("a delete is seen live: the text is gone, 'message deleted' stays", async () => {
            await say(a.page, "oops wrong room");
            await line(b.page, "oops wrong room").waitFor();
            await line(a.page, "oops wrong room").locator(".msg-delete").click();
            await b.page.locator(".bubble.deleted").first().waitFor();
            assert.equal(await b.page.locator(".bubble", { hasText: "oops wrong room" }).count(), 0);
          });

          await t.step("an edit and a delete made while B was offline reach B on its reconnect", async () => {
            await say(a.page, "second tyop");
            await say(a.page, "to be removed");
            await line(b.page, "to be removed").waitFor();
            open = false;
            current!.close({ code: 4000, reason: "test: drop" });
            await b.page.waitForSelector(".conn-closed");
            await line(a.page, "second tyop").locator(".msg-edit").click();
            await a.page.fill(".edit-text", "second typo fixed");
            await a.page.press(".edit-text", "Enter");
            await line(a.page, "second typo fixed").locator(".edited").waitFor();
            await line(a.page, "to be removed").locator(".msg-delete").click();
            await a.page.waitForFunction(() => !document.body.innerText.includes("to be removed"));
            // B still shows the old texts: it missed both changes.
            assert.equal(await b.page.locator(".bubble", { hasText: "second tyop" }).count(), 1);
            open = true;
            // Skip the rest of the backoff (the refused retries made it long).
            await b.page.locator(".retry-now").click({ timeout: 10_000 }).catch(() => {});
            await b.page.waitForSelector(".conn-open", { timeout: 20_000 });
            await line(b.page, "second typo fixed").locator(".edited").waitFor();
            await b.page.waitForFunction(() => !document.body.innerText.includes("to be removed"));
            assert.equal(await b.page.locator(".bubble.deleted").count(), 2);
          });

          await t.step("an image is shown inline with its size reserved", async () => {
            const png = await sharp({
              create: { width: 800, height: 600, channels: 3, background: { r: 200, g: 40, b: 90 } },
            }).png().toBuffer();
            await a.page.setInputFiles(".attach-input", {
              name: "photo.png",
              mimeType: "image/png",
              buffer: png,
            });
            const img = b.page.locator(".attachment-image img").first();
            await img.waitFor();
            assert.equal(await img.getAttribute("width"), "320");
            assert.equal(await img.getAttribute("height"), "240");
            await b.page.waitForFunction(() => {
              const el = document.querySelector<HTMLImageElement>(".attachment-image img");
              return el?.complete && el.naturalWidth > 0;
            });
            const shown = await img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight]);
            assert.deepEqual(shown, [480, 360]);
          });

          await t.step("a hidden tab gets a notification and a count in its title", async () => {
            await b.page.evaluate(() => {
              Object.defineProperty(document, "visibilityState", { get: () => "hidden", configurable: true });
              document.dispatchEvent(new Event("visibilitychange"));
            });
            await say(a.page, "are you there?");
            await b.page.waitForFunction(() =>
              (globalThis as unknown as { shown: { body?: string }[] }).shown.some((n) =>
                n.body === "are you there?"
              )
            );
            const shown = await b.page.evaluate(() =>
              (globalThis as unknown as { shown: { title: string }[] }).shown
            );
            assert.match(shown.at(-1)!.title, /mina/);
            assert.match(await b.page.title(), /^\(1\) /);
            await b.page.evaluate(() => {
              Object.defineProperty(document, "visibilityState", {
                get: () => "visible",
                configurable: true,
              });
              document.dispatchEvent(new Event("visibilitychange"));
            });
            await b.page.waitForFunction(() => !document.title.startsWith("("));
          });

          assert.deepEqual([...a.errors, ...b.errors], []);
        });
      }, { env: { FILES_PATH: files, MAX_SOCKETS_PER_ADDRESS: "20", MAX_IDLE_SOCKETS_PER_ADDRESS: "20" } });
    } finally {
      await Deno.remove(files, { recursive: true }).catch(() => {});
    }
  },
});
