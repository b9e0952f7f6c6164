/**
 * The condition the widget's browser test runs in: this Chromium, as launched for the tests, blocks
 * third-party cookies. One server on two sites: a cookie set first-party on localhost must not reach
 * its frame on a 127.0.0.1 page, or the widget test's continuity checks would prove nothing.
 */
import assert from "node:assert/strict";
import { BLOCK_THIRD_PARTY_COOKIES, newPage, withBrowser } from "@/tests/support/browser.ts";
Deno.test({
  name: "[browser] third-party cookies - the test browser does not send them to a frame on another site",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const echo: Deno.HttpServer = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (req): Response => {
        const { pathname } = new URL(req.url);
        const port: number = (echo.addr as Deno.NetAddr).port;
        if (pathname === "/set") {
          return new Response("ok", { headers: { "set-cookie": "probe=1; SameSite=None; Secure; Path=/" } });
        }
        if (pathname === "/get") return new Response(req.headers.get("cookie") ?? "none");
        const html = pathname === "/frame"
          ? "<p>frame</p>"
          : `<iframe src="http://localhost:${port}/frame"></iframe>`;
        return new Response(html, { headers: { "content-type": "text/html" } });
      },
    );
    const port = (echo.addr as Deno.NetAddr).port;
    try {
      await withBrowser(async (browser) => {
        const { page, context } = await newPage(browser);
        await page.goto(`http://localhost:${port}/set`);
        assert.equal(await page.evaluate(async () => (await fetch("/get")).text()), "probe=1");
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.locator("iframe").waitFor();
        const frame = page.frames().find((f) => f.url().endsWith("/frame"))!;
        await frame.waitForLoadState();
        assert.equal(await frame.evaluate(async () => (await fetch("/get")).text()), "none");
        await context.close();
      }, { args: [BLOCK_THIRD_PARTY_COOKIES] });
    } finally {
      await echo.shutdown();
    }
  },
});
