/**
 * The whole counselor path in Chromium, against a real server (`lib/ops/server.ts`): a guest opens
 * /support and writes in Korean; a counselor on /console sees the conversation appear without a
 * reload, claims it, searches a Korean keyword and sends a program card; the guest clicks the card
 * and lands on the program page with its Apply link. A second, Korean-reading user sees the claim's
 * notice in Korean while the console shows it in English.
 */
import assert from "node:assert/strict";
import { ulid } from "ulid";
import type { Page } from "playwright-core";
import { withServer } from "@/tests/support/server.ts";
import { newPage, withBrowser } from "@/tests/support/browser.ts";
import { assertNoRawKeys, text, useLocale } from "@/tests/support/ui.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { hashPassword } from "@/lib/accounts/password.ts";
import { loadCatalog } from "@/scripts/load_programs.ts";

const COUNSELOR = { username: "mina", password: "correct horse battery" };
const PROGRAM_ID = "data-analytics-bootcamp-2027";
const PROGRAM_TITLE = "데이터 분석 부트캠프 2027";

/** The sample catalog and one counselor, written into the server's KV file (as the tasks would). */
async function seed(kvPath: string): Promise<void> {
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

async function waitOpen(page: Page, scope = "body") {
  await page.locator(scope).getByText("Connection is open", { exact: true }).first().waitFor({
    timeout: 10_000,
  });
}

/** Runs in the page: ids used twice, and label/ARIA references that point at no element. */
function idProblems(): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const el of document.querySelectorAll("[id]")) {
    if (seen.has(el.id)) problems.push(`duplicate id ${el.id}`);
    seen.add(el.id);
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.getAttribute("for")!)) {
      problems.push(`label for ${label.getAttribute("for")}`);
    }
  }
  for (const attr of ["aria-controls", "aria-labelledby", "aria-describedby"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr)!.split(/\s+/)) {
        if (!document.getElementById(id)) problems.push(`${attr} ${id}`);
      }
    }
  }
  return problems;
}

Deno.test({
  name: "[browser] support flow - question in Korean to a program card to the Apply link",
  // Chromium and the server are child processes with their own pipes; both are closed below.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withServer(async (server) => {
      await seed(server.kvPath);
      await withBrowser(async (browser) => {
        const counselor = await newPage(browser);
        const guest = await newPage(browser);
        const c = counselor.page, g = guest.page;

        // Only counselors: the console sends everyone else to log in, and back after.
        await c.goto(`${server.url}/console`);
        assert.match(new URL(c.url()).pathname, /^\/login/);
        await c.locator('input[name="username"]').fill(COUNSELOR.username);
        await c.locator('input[name="password"]').fill(COUNSELOR.password);
        await c.locator('button[type="submit"]').click();
        await c.waitForURL(`${server.url}/console`);
        await waitOpen(c, ".console-queue");
        // The first click is what lets the console play its alert sound.
        await c.locator(".console-programs").click({ position: { x: 5, y: 5 } });

        // The guest asks, in Korean, typed through the input method (composition events).
        await g.goto(`${server.url}/support`);
        await g.getByLabel("Your name").fill("민지");
        await g.getByRole("button", { name: "Start chatting" }).click();
        await waitOpen(g);
        const box = g.locator("textarea");
        await box.click();
        const cdp = await guest.context.newCDPSession(g);
        await cdp.send("Input.imeSetComposition", { text: "데", selectionStart: 1, selectionEnd: 1 });
        await cdp.send("Input.imeSetComposition", { text: "데이", selectionStart: 2, selectionEnd: 2 });
        await cdp.send("Input.insertText", { text: "데이" });
        await cdp.send("Input.insertText", { text: "터 분석 과정 문의드려요" });
        await box.press("Enter");
        const question = "데이터 분석 과정 문의드려요";
        await g.locator(".msg.own .bubble", { hasText: question }).waitFor();
        assert.equal(await box.inputValue(), "");

        // It appears on the console without a reload, with an unread badge and the tab title alert.
        const item = c.locator(".queue-item", { hasText: "민지" });
        await item.waitFor({ timeout: 10_000 });
        assert.match(await item.innerText(), /데이터 분석 과정 문의드려요/);
        await c.locator(".queue-item .unread-badge").waitFor();
        assert.match(await c.title(), /^\(1\)/);
        await item.click();
        await c.locator(".console-pane:not([hidden]) .bubble", { hasText: question }).waitFor();
        await c.getByRole("button", { name: "Claim" }).click();
        await c.locator(".conversation-head .state-active").waitFor();
        // Said once, by the server's stored line: no second "joined" derived from presence (the
        // counselor opening the conversation before claiming it), and no presence notices on the console.
        // (Counted below, once a later message of the counselor's has arrived: a derived notice would
        // have come before it.)
        await g.locator(".notice", { hasText: "mina joined" }).waitFor();
        // The guest's state line follows the claim live, without a reload.
        await g.locator(".support-state", { hasText: "mina is with you." }).waitFor();
        await assertNoRawKeys(c, "console, conversation claimed");
        await assertNoRawKeys(g, "support, conversation claimed");

        // A Korean keyword finds the program; "Send to chat" puts the card in the conversation.
        await c.locator("#program-q").fill("데이터 분석");
        const result = c.locator(".program-result", { hasText: PROGRAM_TITLE });
        await result.waitFor();
        await c.getByRole("button", { name: "Expired" }).click();
        await c.getByText("No programs found").waitFor();
        await c.getByRole("button", { name: "Current" }).click();
        await result.waitFor();
        assert.equal(await c.locator(".program-result", { hasText: PROGRAM_TITLE }).count(), 1);
        await result.getByRole("button", { name: "Send to chat" }).click();
        await c.locator(".console-pane:not([hidden]) .program-card", { hasText: PROGRAM_TITLE }).waitFor();

        // The guest sees the card, clicks it, and lands on the program page with its Apply link.
        const card = g.locator(".program-card", { hasText: PROGRAM_TITLE });
        await card.waitFor();
        assert.equal(await g.locator(".notice", { hasText: "joined" }).count(), 1);
        assert.equal(await c.locator(".console-pane .notice", { hasText: "민지 joined" }).count(), 0);
        await card.click();
        await g.waitForURL(`${server.url}/programs/${PROGRAM_ID}`);
        assert.equal(await g.locator("h1").innerText(), PROGRAM_TITLE);
        const apply = g.getByRole("link", { name: "Apply" });
        assert.equal(await apply.getAttribute("href"), `https://apply.example.com/programs/${PROGRAM_ID}`);
        assert.equal(await apply.getAttribute("rel"), "noopener");
        await g.locator(".status-badge.status-upcoming").waitFor();

        // A second conversation open next to the first: both panes stay mounted, and every id in the
        // document is still unique, with labels and ARIA references pointing at the right elements.
        // This user reads Korean: the claim's notice reaches them in Korean, the console in English.
        const second = await newPage(browser);
        await useLocale(second.context, server.url, "ko");
        await second.page.goto(`${server.url}/support`);
        await second.page.getByLabel(text("ko", "support.yourName")).fill("준호");
        await second.page.getByRole("button", { name: text("ko", "support.start") }).click();
        await second.page.getByText(text("ko", "chat.conn.open"), { exact: true }).first().waitFor();
        await second.page.locator("#composer-input").fill("hello, a question");
        await second.page.locator("#composer-input").press("Enter");
        await c.getByRole("tab", { name: /Waiting/ }).click();
        await c.locator(".queue-item", { hasText: "준호" }).click();
        await c.locator(".console-pane:not([hidden]) .bubble", { hasText: "hello, a question" }).waitFor();
        assert.equal(await c.locator(".console-pane").count(), 2);
        assert.deepEqual(await c.evaluate(idProblems), []);
        await c.getByRole("button", { name: "Claim" }).click();
        const koreanJoined = text("ko", "support.notice.joined", { name: "mina" });
        assert.equal(koreanJoined, "mina 상담사가 대화에 들어왔어요");
        await second.page.locator(".notice", { hasText: koreanJoined }).waitFor();
        await c.locator(".console-pane:not([hidden]) .notice", { hasText: "mina joined" }).waitFor();
        assert.equal(await second.page.locator(".notice", { hasText: "mina joined" }).count(), 0);
        await c.locator(".console-pane:not([hidden]) textarea").fill("hi 준호");
        await c.locator(".console-pane:not([hidden]) textarea").press("Enter");
        await second.page.locator(".bubble", { hasText: "hi 준호" }).waitFor();
        assert.deepEqual(second.errors, []);
        await second.context.close();

        assert.deepEqual(counselor.errors, []);
        assert.deepEqual(guest.errors, []);
        await cdp.detach();
        await counselor.context.close();
        await guest.context.close();
      });
    });
  },
});
