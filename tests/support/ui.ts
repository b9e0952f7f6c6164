/**
 * Shared steps of the browser tests: choosing the reader's language, entering a room as a guest,
 * sending, and running axe-core (from npm) inside the page.
 */
import { catalogs } from "@/lib/shared/i18n/catalog.ts";
import assert from "node:assert/strict";
import axe from "axe-core";
import { ulid } from "ulid";
import type { BrowserContext, Page } from "playwright-core";
import type { Locale, MessageKey } from "@/lib/shared/i18n/mod.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { hashPassword } from "@/lib/accounts/password.ts";
import type { Role } from "@/lib/shared/protocol.ts";

/** The text of a catalog key in a language, as the page should show it. */
export function text(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  return translator(locale).t(key, params);
}

/** Makes the context read pages in `locale` (the language switch's cookie). */
export async function useLocale(context: BrowserContext, base: string, locale: Locale): Promise<void> {
  await context.addCookies([{ name: "lang", value: locale, url: base }]);
}

/** Opens a room as a new guest and waits for the live connection. */
export async function enterRoom(page: Page, url: string, nickname: string): Promise<void> {
  await page.goto(url);
  await page.fill("#nick-input", nickname);
  await page.click(".nickname-form button[type=submit]");
  await page.waitForSelector(".conn-open");
}

export async function say(page: Page, message: string): Promise<void> {
  await page.fill("#composer-input", message);
  await page.press("#composer-input", "Enter");
}

export async function waitForBubble(page: Page, message: string, timeout = 10_000): Promise<void> {
  await page.locator(".msg:not(.pending) .bubble", { hasText: message }).first().waitFor({ timeout });
}

/** Makes a public room through the API of the page's own session; returns its URL. */
export async function apiRoom(page: Page, base: string, name: string, visibility = "public") {
  const room = await page.evaluate(async ([name, visibility]) => {
    const res = await fetch("/api/rooms", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, visibility }),
    });
    return await res.json();
  }, [name, visibility]);
  return { ...room, url: `${base}/rooms/${room.id}` } as { id: string; inviteCode?: string; url: string };
}

/** Writes an account into the server's KV file before the server starts (as `deno task counselor`). */
export async function seedUser(kvPath: string, username: string, password: string, role: Role = "user") {
  const store = await openKvStore(kvPath);
  try {
    await store.createUser({
      id: ulid(),
      username,
      role,
      passwordHash: await hashPassword(password),
      createdAt: new Date().toISOString(),
    });
  } finally {
    await store.close();
  }
}

export async function logIn(page: Page, base: string, username: string, password: string, next = "/") {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/login")),
    page.click("form.auth-form button"),
  ]);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Fails when the page shows a catalog key instead of its text (in its text or its placeholder,
 * aria-label, title or alt), as it would if the browser's entry lacked a key an island builds.
 */
export async function assertNoRawKeys(page: Page, label: string): Promise<void> {
  const keys = Object.keys(catalogs.en);
  const shown = await page.evaluate((keys: string[]) => {
    const wanted = new Set(keys);
    const found = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim() ?? "";
      if (wanted.has(text)) found.add(text);
    }
    for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], [alt]")) {
      for (const name of ["placeholder", "aria-label", "title", "alt"]) {
        const value = el.getAttribute(name)?.trim();
        if (value && wanted.has(value)) found.add(value);
      }
    }
    return [...found];
  }, keys);
  assert.deepEqual(shown, [], `catalog keys shown as text on ${label}`);
}

/** Runs axe-core in the page; fails on any serious or critical violation, naming each; and {@link assertNoRawKeys}. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  await assertNoRawKeys(page, label);
  const source = (axe as unknown as { source: string }).source;
  // evaluate() goes through the DevTools protocol, so the page's CSP (script-src 'self') allows it.
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any -- axe is the library just injected
    const result = await (globalThis as any).axe.run(document, { resultTypes: ["violations"] });
    return result.violations as AxeViolation[];
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`
    ),
    [],
    `axe on ${label}`,
  );
}
