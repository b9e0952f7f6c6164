/**
 * Debian's Chromium driven by playwright-core, for the browser tests. Headless, no sandbox (tests
 * run as root in CI containers), no background traffic.
 */
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Chromium's switch that blocks third-party cookies, as browsers now do by default. */
export const BLOCK_THIRD_PARTY_COOKIES = "--test-third-party-cookie-phaseout";

/** Launches Chromium (with `extraArgs`); close it with `browser.close()` in a finally. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", ...extraArgs],
  });
}

/** A fresh context (own cookies) and page at a viewport width; fails the test on any page error. */
export async function newPage(
  browser: Browser,
  options: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[]; dialogs: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/WebSocket|net::ERR|Failed to load resource/.test(msg.text())) {
      errors.push(msg.text());
    }
  });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  return { context, page, errors, dialogs };
}

/**
 * Runs `fn` with a browser, closing it however `fn` ends.
 *
 * @example
 * await withBrowser(async (browser) => { const { page } = await newPage(browser); ... });
 */
export async function withBrowser<T>(
  fn: (browser: Browser) => Promise<T>,
  options: { args?: string[] } = {},
): Promise<T> {
  const browser = await launchBrowser(options.args);
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}
