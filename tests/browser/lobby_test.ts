/**
 * The lobby's live participant counts in a real browser: the count on a room's card follows people
 * entering and leaving the room in other browser contexts, over the SSE stream, without a reload,
 * down to 0 again.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { withServer } from "@/tests/support/server.ts";
import { newPage, withBrowser } from "@/tests/support/browser.ts";

/** A public room made over the API by a guest; returns its id. */
async function createRoom(base: string, name: string): Promise<string> {
  const session = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname: "host" }),
  });
  await session.body?.cancel();
  const cookie = session.headers.get("set-cookie")!.split(";")[0];
  const res = await fetch(`${base}/api/rooms`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ name, visibility: "public" }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()).id;
}

/** Waits until the room's card in the lobby shows `count` online. */
async function waitForCount(lobby: Page, name: string, count: number): Promise<void> {
  const card = lobby.locator(".room-card", { hasText: name });
  await card.locator(".room-count", { hasText: new RegExp(`^\\s*${count}\\b`) }).waitFor({ timeout: 10_000 })
    .catch(async () => {
      const text = (await card.locator(".room-count").textContent())?.trim() ?? "";
      assert.fail(`expected ${count} online for ${name}, the card says "${text}"`);
    });
}

async function enterRoom(page: Page, url: string, nickname: string): Promise<void> {
  await page.goto(url);
  await page.fill("#nick-input", nickname);
  await page.click(".nickname-form button[type=submit]");
  await page.waitForSelector(".conn-open");
}

Deno.test({
  name: "[browser] lobby - a room's live count goes up as people join and back down to 0 as they leave",
  // Chromium and the server are child processes with their own pipes; both are closed below.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServer(async (server) => {
      const name = `live-${crypto.randomUUID().slice(0, 8)}`;
      const id = await createRoom(server.url, name);
      const roomUrl = `${server.url}/rooms/${id}`;
      await withBrowser(async (browser) => {
        const lobby = await newPage(browser);
        const ana = await newPage(browser);
        const ben = await newPage(browser, { width: 360, height: 740 });
        await lobby.page.goto(`${server.url}/`);
        await waitForCount(lobby.page, name, 0);

        await enterRoom(ana.page, roomUrl, "ana");
        await waitForCount(lobby.page, name, 1);
        await enterRoom(ben.page, roomUrl, "ben");
        await waitForCount(lobby.page, name, 2);
        assert.match(await lobby.page.locator(".room-list-tools").innerText(), /2 online now/);

        // Leaving: one goes back to the lobby, the other closes the tab.
        await ana.page.goto(`${server.url}/`);
        await waitForCount(lobby.page, name, 1);
        await ben.context.close();
        await waitForCount(lobby.page, name, 0);
        assert.match(await lobby.page.locator(".room-list-tools").innerText(), /0 online now/);
        const badge = lobby.page.locator(".room-card", { hasText: name }).locator(".room-count");
        assert.doesNotMatch((await badge.getAttribute("class")) ?? "", /active/);

        assert.deepEqual(lobby.errors, []);
        assert.deepEqual(ana.errors, []);
        await lobby.context.close();
        await ana.context.close();
      });
    });
  },
});
