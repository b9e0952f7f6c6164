/**
 * The counselors' tools in Chromium on a real server (`lib/ops/server.ts`): the member list before a
 * claim, one connection line, one number per tab, saved replies on `/`, a private note the guest
 * never sees, conversation search, the rating after close, a transfer, and the catalog page whose
 * changes reach an open console's program search at once (an ended program cannot be sent).
 */
import assert from "node:assert/strict";
import { ulid } from "ulid";
import type { Page } from "playwright-core";
import { withServer } from "@/tests/support/server.ts";
import { newPage, withBrowser } from "@/tests/support/browser.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { hashPassword } from "@/lib/accounts/password.ts";

const PASSWORD = "correct horse battery";
const ENV = { MAX_SOCKETS_PER_ADDRESS: "50" };

async function seed(kvPath: string): Promise<void> {
  const store = await openKvStore(kvPath);
  try {
    for (const username of ["mina", "jun"]) {
      await store.createUser({
        id: ulid(),
        username,
        role: "counselor",
        passwordHash: await hashPassword(PASSWORD),
        createdAt: new Date().toISOString(),
      });
    }
    await store.createReply({
      id: ulid(),
      title: "환불 안내",
      text: "환불은 수강 시작 7일 전까지 가능해요.",
      createdBy: { id: "x", name: "jun", role: "counselor" },
      createdAt: new Date().toISOString(),
    });
  } finally {
    await store.close();
  }
}

async function logIn(page: Page, url: string, next: string) {
  await page.goto(`${url}/login?next=${encodeURIComponent(next)}`);
  await page.locator('input[name="username"]').fill("mina");
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(`${url}${next}`);
}

Deno.test({
  name: "[browser] console tools - replies, notes, search, rating, transfer, catalog",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withServer(async (server) => {
      await seed(server.kvPath);
      await withBrowser(async (browser) => {
        const counselor = await newPage(browser);
        const guest = await newPage(browser);
        const c = counselor.page, g = guest.page;
        await logIn(c, server.url, "/console");
        await c.locator(".console-queue .conn-open").waitFor();

        await g.goto(`${server.url}/support`);
        await g.getByLabel("Your name").fill("민지");
        await g.getByRole("button", { name: "Start chatting" }).click();
        await g.locator(".conn-open").waitFor();
        await g.locator("#composer-input").fill("환불 규정이 궁금해요");
        await g.locator("#composer-input").press("Enter");

        // One number per tab; opening the chat does not put the counselor among the guest's members.
        const item = c.locator(".queue-item", { hasText: "민지" });
        await item.waitFor({ timeout: 10_000 });
        const waitingTab = c.getByRole("tab", { name: /Waiting/ });
        // Its one visible number: the unread mark is a dot, its count only for screen readers.
        const visible = await waitingTab.evaluate((el) =>
          [...el.querySelectorAll("*")].filter((e) => !e.closest(".sr-only") && e.children.length === 0)
            .map((e) => e.textContent).join("|")
        );
        assert.equal(visible, "1");
        await item.click();
        await c.locator(".console-pane:not([hidden]) .bubble", { hasText: "환불 규정이" }).waitFor();
        // One connection line on the whole console.
        assert.equal(await c.locator(".conn").count(), 1);
        // Fixed wait: this checks that no members update comes; no event says one will not, and the
        // console, not being in the room, has nothing to send to the guest that could come after it.
        await g.waitForTimeout(500);
        assert.ok(!(await g.locator(".member-list").innerText()).includes("mina"));
        await c.getByRole("button", { name: "Claim" }).click();
        await g.locator(".notice", { hasText: "mina joined" }).waitFor();
        // The claim makes her a member: the guest's list shows her at once, without a reload.
        await g.locator(".member-list li", { hasText: "mina" }).waitFor();

        // Saved replies: "/" offers them, filtered as typed; Enter inserts, Enter again sends.
        const box = c.locator(".console-pane:not([hidden]) textarea");
        await box.fill("/환불");
        await c.locator(".reply-option", { hasText: "환불 안내" }).waitFor();
        await box.press("Enter");
        assert.equal(await box.inputValue(), "환불은 수강 시작 7일 전까지 가능해요.");
        await box.press("Enter");
        await g.locator(".bubble", { hasText: "환불은 수강 시작 7일 전까지" }).waitFor();

        // A private note (Alt+N): marked on the console, never on the guest's page.
        await box.focus();
        await box.press("Alt+KeyN");
        await box.fill("메모: 지난주에도 문의한 고객");
        await box.press("Enter");
        await c.locator(".console-pane:not([hidden]) .msg.note", { hasText: "지난주에도" }).waitFor();
        await box.fill("곧 안내해 드릴게요");
        await c.locator(".note-toggle input").uncheck();
        await box.press("Enter");
        await g.locator(".bubble", { hasText: "곧 안내해 드릴게요" }).waitFor();
        assert.equal(await g.getByText("지난주에도", { exact: false }).count(), 0);
        await g.reload();
        await g.locator(".bubble", { hasText: "곧 안내해 드릴게요" }).waitFor();
        assert.equal(await g.getByText("지난주에도", { exact: false }).count(), 0);

        // Search across conversations (Ctrl+K), Korean, by message text.
        await c.keyboard.press("Control+k");
        await c.keyboard.type("규정");
        await c.keyboard.press("Enter");
        await c.locator(".search-result", { hasText: "민지" }).waitFor();

        // Close; the guest rates once; the console shows it.
        await c.getByRole("button", { name: "Close" }).click();
        await g.getByRole("radio", { name: "4 of 5" }).check({ force: true });
        await g.getByLabel("Comment (optional)").fill("친절했어요");
        await g.getByRole("button", { name: "Send rating" }).click();
        await g.getByText("Thank you for your rating.").waitFor();
        await c.getByRole("tab", { name: /Closed/ }).click();
        await c.reload();
        await c.getByRole("tab", { name: /Closed/ }).click();
        await c.locator(".queue-item", { hasText: "민지" }).locator(".queue-rating", { hasText: "★4" })
          .waitFor();

        // The guest writes again; mina claims and hands it to jun: both sides see the notice.
        await g.locator("#composer-input").fill("하나 더 여쭤볼게요");
        await g.locator("#composer-input").press("Enter");
        await c.getByRole("tab", { name: /Waiting/ }).click();
        await c.locator(".queue-item", { hasText: "민지" }).click();
        await c.getByRole("button", { name: "Claim" }).click();
        await c.locator("#transfer-to").selectOption({ index: 1 });
        assert.match(await c.locator("#transfer-to option:checked").innerText(), /^jun/);
        await c.getByRole("button", { name: "Transfer" }).click();
        await c.locator(".console-pane:not([hidden]) .notice", {
          hasText: "mina handed the conversation to jun",
        })
          .waitFor();
        await g.locator(".notice", { hasText: "mina handed the conversation to jun" }).waitFor();
        // Handed over, she is no longer among the guest's members (jun has no console open).
        await g.locator(".member-list li", { hasText: "mina" }).waitFor({ state: "detached" });
        assert.ok(await c.getByRole("button", { name: "Close" }).isDisabled());

        // The catalog: a bad date range is refused with a clear message; a good one reaches the
        // open console's search at once; ending it takes it out, and an ended one cannot be sent.
        const admin = await counselor.context.newPage();
        await admin.goto(`${server.url}/console/programs`);
        await admin.getByLabel("Title").fill("UX 디자인 입문");
        await admin.getByLabel("Starts").fill("2030-03-02T09:00");
        await admin.getByLabel("Ends").fill("2030-03-01T09:00");
        await admin.getByLabel("Price").fill("350000");
        await admin.getByLabel("Apply link").fill("https://apply.example.com/ux");
        await admin.getByRole("button", { name: "Save" }).click();
        await admin.getByText("The end must be after the start").waitFor();
        await admin.getByLabel("Ends").fill("2030-04-02T18:00");
        await admin.getByRole("button", { name: "Save" }).click();
        await admin.locator(".programs-upcoming .program-row", { hasText: "UX 디자인 입문" }).waitFor();
        await c.locator(".program-result", { hasText: "UX 디자인 입문" }).waitFor({ timeout: 10_000 });
        admin.on("dialog", (d) => d.accept());
        await admin.locator(".program-row", { hasText: "UX 디자인 입문" }).getByRole("button", {
          name: "End now",
        })
          .click();
        await admin.locator(".programs-ended .program-row", { hasText: "UX 디자인 입문" }).waitFor();
        await c.locator(".program-result", { hasText: "UX 디자인 입문" }).waitFor({ state: "detached" });
        await c.getByRole("button", { name: "Expired" }).click();
        const ended = c.locator(".program-result", { hasText: "UX 디자인 입문" });
        await ended.waitFor();
        assert.ok(await ended.getByRole("button", { name: "Ended" }).isDisabled());

        assert.deepEqual(counselor.errors, []);
        assert.deepEqual(guest.errors, []);
        await counselor.context.close();
        await guest.context.close();
      });
    }, { env: ENV });
  },
});
