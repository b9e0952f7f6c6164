/**
 * The rough edges of a room, in Chromium against the real server, in English and in Korean: the log
 * keeps following new messages after a refused send, a failed bubble offers Retry, "New messages"
 * appears when scrolled up, composition events reach the composer, the composer has the focus
 * after choosing a nickname, log-in comes back to the room, "My rooms" lists public rooms too, the
 * invite page names its room with one Join button, the skip link comes first, and axe-core finds no
 * serious problem on any of these states.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startServer } from "@/tests/support/server.ts";
import { newPage, withBrowser } from "@/tests/support/browser.ts";
import {
  apiRoom,
  assertAccessible,
  enterRoom,
  logIn,
  say,
  seedUser,
  text,
  useLocale,
  waitForBubble,
} from "@/tests/support/ui.ts";
import type { Locale } from "@/lib/shared/i18n/mod.ts";

const PASSWORD = "correct horse battery";

/** How far the log is from its bottom, in px. */
function fromBottom(page: Page): Promise<number> {
  return page.$eval(".chat-log", (el) => el.scrollHeight - el.scrollTop - el.clientHeight);
}

/** Resolves once the page has drawn two more frames: renders, layout, scrolling and scroll events are done. */
function rendered(page: Page): Promise<void> {
  return page.evaluate(() =>
    new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())))
  );
}

const tall = (n: number) => Array.from({ length: 8 }, (_, i) => `message ${n} line ${i}`).join("\n");

for (const locale of ["en", "ko"] as const satisfies Locale[]) {
  Deno.test({
    name:
      `[browser] room flows (${locale}) - following, retry, IME, focus, log-in return, my rooms, invite, axe`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const dir = await Deno.makeTempDir({ prefix: "parley-flows-" });
      const kvPath = `${dir}/parley.kv`;
      const username = locale === "ko" ? "김민아" : "minak";
      await seedUser(kvPath, username, PASSWORD);
      // Every tab of the test comes from 127.0.0.1: room for them all under the per-address socket limit.
      const server = await startServer({
        kvPath,
        env: { RATE_BURST: "5", RATE_PER_SECOND: "1", MAX_SOCKETS_PER_ADDRESS: "100" },
      });
      try {
        await withBrowser(async (browser) => {
          const a = await newPage(browser);
          const b = await newPage(browser);
          for (const p of [a, b]) await useLocale(p.context, server.url, locale);

          await a.page.goto(server.url + "/");
          await t.step("the skip link is the first stop of the keyboard", async () => {
            await a.page.keyboard.press("Tab");
            const focused = await a.page.evaluate(() => document.activeElement?.className);
            assert.equal(focused, "skip-link");
            assert.equal(
              await a.page.locator(".skip-link").innerText(),
              text(locale, "common.skipToContent"),
            );
            const box = await a.page.locator(".skip-link").boundingBox();
            assert.ok(box && box.y >= 0, "visible while focused");
            await a.page.keyboard.press("Enter");
            assert.equal(await a.page.evaluate(() => document.activeElement?.id), "main");
            await assertAccessible(a.page, `${locale} lobby`);
          });

          await a.page.fill("#create-nick", "mina");
          await a.page.fill("#create-name", `flows-${locale}-${crypto.randomUUID().slice(0, 6)}`);
          await a.page.click("form:has(#create-name) button[type=submit]");
          await a.page.waitForURL(/\/rooms\//);
          await a.page.waitForSelector(".conn-open");
          const roomUrl = a.page.url();

          await t.step("after choosing a nickname the composer has the focus", async () => {
            await enterRoom(b.page, roomUrl, "joe");
            await b.page.waitForFunction(() => document.activeElement?.id === "composer-input");
          });

          await t.step(
            "compositionstart holds a plain Enter; compositionend lets the next one send",
            async () => {
              const count = () => b.page.locator(".msg .bubble").count();
              const before = await count();
              await b.page.focus("#composer-input");
              await b.page.evaluate(() => {
                const ta = document.querySelector<HTMLTextAreaElement>("#composer-input")!;
                ta.dispatchEvent(new CompositionEvent("compositionstart", { bubbles: true, data: "" }));
                ta.value = "한";
                ta.dispatchEvent(
                  new InputEvent("input", { bubbles: true, data: "한", inputType: "insertText" }),
                );
                // A plain Enter: no isComposing, keyCode 13. Only the compositionstart listener can hold it.
                ta.dispatchEvent(
                  new KeyboardEvent("keydown", {
                    key: "Enter",
                    keyCode: 13,
                    bubbles: true,
                    cancelable: true,
                  }),
                );
              });
              await rendered(b.page);
              assert.equal(await count(), before, "an Enter inside a composition sent the message");
              await b.page.evaluate(() => {
                const ta = document.querySelector<HTMLTextAreaElement>("#composer-input")!;
                ta.dispatchEvent(new CompositionEvent("compositionend", { bubbles: true, data: "한글" }));
                ta.value = "한글";
                ta.dispatchEvent(
                  new InputEvent("input", { bubbles: true, data: "한글", inputType: "insertText" }),
                );
                ta.dispatchEvent(
                  new KeyboardEvent("keydown", {
                    key: "Enter",
                    keyCode: 13,
                    bubbles: true,
                    cancelable: true,
                  }),
                );
              });
              await waitForBubble(a.page, "한글");
              // Had the first Enter sent, its message would have come before this one.
              assert.equal(await count(), before + 1, "an Enter inside a composition sent the message");
            },
          );

          await t.step("a refused send keeps a Retry and the log keeps following", async () => {
            // Past the burst of 5 even on a slow machine, where a token comes back each second meanwhile.
            for (let i = 0; i < 10; i++) await say(a.page, `burst ${i}`);
            const failed = a.page.locator(".msg.failed");
            await failed.first().waitFor();
            assert.match(await failed.first().innerText(), new RegExp(text(locale, "chat.err.rate_limited")));
            await failed.first().locator(".retry-send", { hasText: text(locale, "chat.retry") }).waitFor();
            await assertAccessible(a.page, `${locale} room with a failed send`);
            for (let n = 0; n < 4; n++) {
              await say(b.page, tall(n));
              await waitForBubble(a.page, `message ${n} line 7`);
              await rendered(a.page);
              assert.ok((await fromBottom(a.page)) < 48, `message ${n}: ${await fromBottom(a.page)} px off`);
            }
            const last = a.page.locator(".messages > li").last();
            assert.equal(
              await last.evaluate((el) => el.classList.contains("failed")),
              false,
              "failed pinned last",
            );
          });

          await t.step("scrolled up, a new message brings the 'New messages' button", async () => {
            // The new message comes from a third member: joe has sent six within seconds by now, past
            // the burst of 5, and would be refused wherever the steps run faster than his refill.
            const k = await newPage(browser);
            await useLocale(k.context, server.url, locale);
            await enterRoom(k.page, roomUrl, "kim");
            await a.page.$eval(".chat-log", (el) => (el.scrollTop = 0));
            await rendered(a.page); // its scroll event has been handled: the log knows it is up
            await say(k.page, tall(9));
            const jump = a.page.locator(".new-messages", { hasText: text(locale, "chat.newMessages") });
            await jump.waitFor();
            await jump.click();
            await a.page.waitForFunction(() => {
              const el = document.querySelector(".chat-log")!;
              return el.scrollHeight - el.scrollTop - el.clientHeight < 48;
            });
            await k.context.close();
          });

          await t.step("Retry sends the failed message once", async () => {
            const failedText = (await a.page.locator(".msg.failed .bubble").first().innerText()).trim();
            // Fixed wait: the server's rate bucket gets a token back each second, and nothing the page
            // can see says when it has.
            await a.page.waitForTimeout(1200);
            await a.page.locator(".msg.failed .retry-send").first().click();
            await b.page.locator(".msg:not(.pending) .bubble", { hasText: failedText }).waitFor();
            await a.page.locator(".msg:not(.pending) .bubble", { hasText: failedText }).waitFor();
          });

          await t.step(
            "log-in from the room comes back to the room, and the room is in My rooms",
            async () => {
              const c = await newPage(browser);
              await useLocale(c.context, server.url, locale);
              await c.page.goto(roomUrl);
              const link = c.page.locator(".nickname-form a", { hasText: text(locale, "chat.logInLink") });
              await Promise.all([c.page.waitForURL(/\/login\?next=/), link.click()]);
              await c.page.fill("input[name=username]", username);
              await c.page.fill("input[name=password]", PASSWORD);
              await Promise.all([c.page.waitForURL(roomUrl), c.page.click("form.auth-form button")]);
              await c.page.waitForSelector(".conn-open");
              const mine = await apiRoom(
                c.page,
                server.url,
                `own-${locale}-${crypto.randomUUID().slice(0, 6)}`,
              );
              await c.page.goto(server.url + "/");
              const list = c.page.locator(".my-rooms li");
              const names = await list.allInnerTexts();
              assert.equal(names.length, 2, `my rooms: ${names}`);
              assert.ok(await c.page.locator(`.my-rooms a[href="/rooms/${mine.id}"]`).count());
              assert.ok(await c.page.locator(`.my-rooms a[href="${new URL(roomUrl).pathname}"]`).count());
              await assertAccessible(c.page, `${locale} lobby signed in`);
              await c.context.close();
            },
          );

          await t.step("the invite page names the room and offers one primary Join", async () => {
            const name = `secret-${locale}-${crypto.randomUUID().slice(0, 6)}`;
            const room = await apiRoom(a.page, server.url, name, "private");
            const d = await newPage(browser);
            await useLocale(d.context, server.url, locale);
            await d.page.goto(`${server.url}/?invite=${room.inviteCode}`);
            assert.equal(await d.page.locator("main h1").innerText(), text(locale, "lobby.inviteTitle"));
            assert.match(await d.page.locator("main").innerText(), new RegExp(name));
            assert.equal(await d.page.locator("main .btn-primary").count(), 1);
            const join = d.page.locator("main .btn-primary");
            assert.equal(await join.innerText(), text(locale, "lobby.joinNamed", { name }));
            assert.ok(
              !(await d.page.locator("main").innerText()).includes(room.inviteCode!),
              "no raw code shown",
            );
            await assertAccessible(d.page, `${locale} invite page`);
            await d.page.fill("#invite-nick", "ann");
            await Promise.all([d.page.waitForURL(room.url), join.click()]);
            await d.page.waitForSelector(".conn-open");
            await d.context.close();
          });

          await t.step("the log-in page comes back where it was opened", async () => {
            const e = await newPage(browser);
            await useLocale(e.context, server.url, locale);
            await e.page.goto(roomUrl);
            const top = e.page.locator(".topnav .nav-login");
            assert.equal(
              await top.getAttribute("href"),
              `/login?next=${encodeURIComponent(new URL(roomUrl).pathname)}`,
            );
            await logIn(e.page, server.url, username, PASSWORD, new URL(roomUrl).pathname);
            assert.equal(e.page.url(), roomUrl);
            await assertAccessible(e.page, `${locale} room signed in`);
            await e.context.close();
          });
          assert.deepEqual([...a.errors, ...b.errors], []);
        });
      } finally {
        await server.stop();
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  });
}
