/**
 * The support widget on another site, in Chromium with third-party cookies blocked, against a real
 * server (`lib/ops/server.ts`) and a real SMTP server (Mailpit): a page on http://localhost:<port>
 * (another site than Parley's http://127.0.0.1:<port>) carries the script tag. Availability follows
 * the counselor's console; a message left while away is answered on /console and the answer reaches
 * the visitor in the frame, on the bubble's badge on the next visit, and by mail with a link back;
 * the conversation survives a reload and a second page; a site not listed is refused.
 */
import assert from "node:assert/strict";
import { ulid } from "ulid";
import type { BrowserContext, FrameLocator, Page } from "playwright-core";
import { withServer } from "@/tests/support/server.ts";
import { BLOCK_THIRD_PARTY_COOKIES, newPage, withBrowser } from "@/tests/support/browser.ts";
import { startMailpit } from "@/tests/support/mailpit.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { hashPassword } from "@/lib/accounts/password.ts";
import { serveHostPage } from "@/scripts/widget_demo.ts";
import { loadCatalog } from "@/scripts/load_programs.ts";
import { freePort } from "@/tests/support/ports.ts";
import { waitFor } from "@/tests/support/wait.ts";

const COUNSELOR = { username: "mina", password: "correct horse battery" };

const PROGRAM_ID = "data-analytics-bootcamp-2027";
const PROGRAM_TITLE = "데이터 분석 부트캠프 2027";

async function seedCounselor(kvPath: string): Promise<void> {
  const store = await openKvStore(kvPath);
  try {
    const catalog = await Deno.readTextFile(new URL("../../scripts/data/programs.json", import.meta.url));
    assert.deepEqual((await loadCatalog(store, catalog)).bad, []);
    await store.createUser({
      id: ulid(),
      username: COUNSELOR.username,
      role: "counselor",
      passwordHash: await hashPassword(COUNSELOR.password),
      createdAt: new Date().toISOString(),
    });
  } finally {
    await store.close();
  }
}

/** Opens the bubble on `page` and returns the chat frame. */
async function openWidget(page: Page): Promise<FrameLocator> {
  const launcher = page.locator("[data-parley-widget] .launcher");
  await launcher.waitFor();
  if (await launcher.getAttribute("aria-expanded") !== "true") await launcher.click();
  return page.frameLocator("[data-parley-widget] iframe");
}

async function availability(frame: FrameLocator, available: boolean): Promise<void> {
  await frame.locator(`.availability[data-available="${available}"]`).waitFor({ timeout: 15_000 });
}

/** A condition seen from outside the page (the mail server's inbox), asked every 100 ms for 15 s. */
const waitUntil = <T>(probe: () => Promise<T | undefined>, what: string) =>
  waitFor(probe, what, { timeoutMs: 15_000, everyMs: 100 });

async function logIn(context: BrowserContext, parley: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${parley}/login?next=/console`);
  await page.locator('input[name="username"]').fill(COUNSELOR.username);
  await page.locator('input[name="password"]').fill(COUNSELOR.password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(`${parley}/console`);
  return page;
}

Deno.test({
  name: "[browser] widget - bubble on another site: away, left message, mail, reply, continuity, refusal",
  // Chromium, the server, Mailpit and the host pages are closed below.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const mail = await startMailpit();
    const hostPort = freePort(), strangerPort = freePort();
    const site = `http://localhost:${hostPort}`;
    try {
      await withServer(async (server) => {
        await seedCounselor(server.kvPath);
        const host = serveHostPage({ parley: server.url, port: hostPort });
        const stranger = serveHostPage({ parley: server.url, port: strangerPort });
        try {
          await withBrowser(async (browser) => {
            const visitor = await newPage(browser);
            const v = visitor.page;

            // widget.js is small, and the frame may be framed only by the listed site.
            const js = await fetch(`${server.url}/widget.js`);
            const gz = new Response(js.body!.pipeThrough(new CompressionStream("gzip")));
            assert.ok((await gz.arrayBuffer()).byteLength <= 10 * 1024, "widget.js ≤ 10 KB gzip");
            const frameRes = await fetch(`${server.url}/widget?origin=${encodeURIComponent(site)}`);
            await frameRes.body?.cancel();
            assert.match(
              frameRes.headers.get("content-security-policy")!,
              new RegExp(`frame-ancestors ${site}`),
            );
            assert.equal(frameRes.headers.get("x-frame-options"), null);

            // Nobody is at a console: the widget says so, and the visitor leaves a message anyway.
            // The bubble is a button the keyboard reaches: Tab to it, Enter opens the chat.
            await v.goto(site);
            const launcher = v.locator("[data-parley-widget] .launcher");
            await launcher.waitFor();
            for (let i = 0; i < 5 && !(await launcher.evaluate((el) => el.matches(":focus"))); i++) {
              await v.keyboard.press("Tab");
            }
            await v.keyboard.press("Enter");
            assert.equal(await launcher.getAttribute("aria-expanded"), "true");
            let frame = await openWidget(v);
            await availability(frame, false);
            await frame.getByText("All counselors are away").waitFor();
            const box = frame.locator("textarea");
            await box.fill("Do you have weekend classes?");
            await box.press("Enter");
            await frame.locator(".msg.own .bubble", { hasText: "Do you have weekend classes?" }).waitFor();

            // A malformed address is refused with the reason; a good one is kept.
            const email = frame.getByLabel("Your e-mail (optional)");
            await email.fill("mina@");
            await frame.getByRole("button", { name: "Save e-mail" }).click();
            await frame.getByRole("alert").filter({ hasText: "That is not an e-mail address" }).waitFor();
            await email.fill("visitor@example.com");
            await frame.getByRole("button", { name: "Save e-mail" }).click();
            await frame.getByText("We will e-mail the reply to visitor@example.com.").waitFor();

            // The console opening makes the counselor available, live, in the frame.
            const counselor = await browser.newContext();
            const c = await logIn(counselor, server.url);
            await availability(frame, true);
            // "I'm away" on the console says so in the frame at once; "I'm back" undoes it.
            await c.getByRole("button", { name: "I'm away" }).click();
            await availability(frame, false);
            await c.getByRole("button", { name: "I'm back" }).click();
            await availability(frame, true);
            const item = c.locator(".queue-item", { hasText: "Visitor" });
            await item.waitFor({ timeout: 10_000 });
            assert.match(await item.innerText(), /Left while away/);

            // The visitor leaves; the counselor answers; the answer goes out by mail with a link back.
            await v.close();
            await item.click();
            const reply = c.locator(".console-pane:not([hidden]) textarea");
            await reply.fill("Yes, on Saturdays.");
            await reply.press("Enter");
            const sent = await waitUntil(async () => {
              const list = await mail.messages();
              return list.find((m) => m.To.some((t) => t.Address === "visitor@example.com"));
            }, "the reply mail");
            assert.equal(sent.Subject, "A counselor replied to your message");
            const text = await mail.text(sent.ID);
            assert.match(text, /Yes, on Saturdays\./);
            assert.ok(text.includes(`${site}/#parley-chat`), `link back in:\n${text}`);

            // Next visit: the badge says there is a reply; opening shows it in the same conversation.
            const back = await visitor.context.newPage();
            const sockets: string[] = [];
            back.on("websocket", (ws) => sockets.push(ws.url()));
            await back.goto(site);
            const badge = back.locator("[data-parley-widget] .launcher-badge");
            await badge.waitFor({ state: "visible", timeout: 15_000 });
            assert.equal(await badge.innerText(), "1");
            // The badge came over HTTP: an unopened bubble holds no socket on every page view.
            assert.deepEqual(sockets, []);
            frame = await openWidget(back);
            await frame.locator(".bubble", { hasText: "Yes, on Saturdays." }).waitFor();
            await frame.locator(".bubble", { hasText: "Do you have weekend classes?" }).waitFor();
            await badge.waitFor({ state: "hidden" });
            assert.equal(sockets.length, 1, "opened, the chat has its one socket");

            // Live while both are there: the visitor writes, the counselor answers, the frame shows it.
            await frame.locator("textarea").fill("Great, and the price?");
            await frame.locator("textarea").press("Enter");
            await c.locator(".console-pane:not([hidden]) .bubble", { hasText: "Great, and the price?" })
              .waitFor();
            await reply.fill("It is free.");
            await reply.press("Enter");
            await frame.locator(".bubble", { hasText: "It is free." }).waitFor();

            // A program card opens the program's page in a new tab; the site and the chat stay.
            await c.locator("#program-q").fill("데이터 분석");
            const result = c.locator(".program-result", { hasText: PROGRAM_TITLE });
            await result.getByRole("button", { name: "Send to chat" }).click();
            const card = frame.locator(".program-card", { hasText: PROGRAM_TITLE });
            await card.waitFor();
            assert.equal(await card.getAttribute("target"), "_blank");
            assert.equal(await card.getAttribute("rel"), "noopener");
            const [tab] = await Promise.all([visitor.context.waitForEvent("page"), card.click()]);
            await tab.waitForURL(`${server.url}/programs/${PROGRAM_ID}`);
            assert.equal(await tab.locator("h1").innerText(), PROGRAM_TITLE);
            await tab.close();
            assert.equal(new URL(back.url()).origin, site);

            // A reload and another page of the site keep the conversation (third-party cookies blocked).
            await back.reload();
            frame = await openWidget(back);
            await frame.locator(".bubble", { hasText: "It is free." }).waitFor();
            await back.goto(`${site}/pricing`);
            frame = await openWidget(back);
            await frame.locator(".bubble", { hasText: "Great, and the price?" }).waitFor();
            assert.equal(await frame.locator(".msg.own").count(), 2);

            // Parley's own /support page says the same, live.
            const own = await visitor.context.newPage();
            await own.goto(`${server.url}/support`);
            await own.locator('input[name="nickname"]').fill("민지");
            await own.locator('form.nickname-form button[type="submit"]').click();
            await own.locator('.availability[data-available="true"]').waitFor({ timeout: 15_000 });

            // The console closing makes the counselor away again, in the frame and on /support.
            await c.close();
            await availability(frame, false);
            await own.locator('.availability[data-available="false"]').waitFor({ timeout: 15_000 });
            await own.close();

            // A site that is not listed is refused, and no conversation is made for it.
            const queueBefore = await counselor.request.get(`${server.url}/api/support`);
            const before = (await queueBefore.json()).conversations.length;
            const strangerPage = await visitor.context.newPage();
            await strangerPage.goto(`http://localhost:${strangerPort}`);
            const refused = await openWidget(strangerPage);
            await refused.getByText("This site may not embed Parley chat").waitFor();
            await refused.getByText("is not on this Parley server's list").waitFor();
            const queueAfter = await counselor.request.get(`${server.url}/api/support`);
            assert.equal((await queueAfter.json()).conversations.length, before);
            const direct = await fetch(`${server.url}/api/widget/session`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ origin: `http://localhost:${strangerPort}` }),
            });
            assert.equal(direct.status, 403);
            assert.equal((await direct.json()).error.code, "widget_origin");

            assert.deepEqual(visitor.errors, []);
            await counselor.close();
            await visitor.context.close();
          }, { args: [BLOCK_THIRD_PARTY_COOKIES] });
        } finally {
          await host.shutdown();
          await stranger.shutdown();
        }
      }, { env: { WIDGET_ORIGINS: site, SMTP_URL: mail.smtpUrl } });
    } finally {
      await mail.stop();
    }
  },
});
