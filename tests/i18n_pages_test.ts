/**
 * Every page rendered in Korean and in English: no raw catalog key reaches the reader, a Korean
 * page holds no English outside user content, and an English page no Hangul outside it.
 */
import assert from "node:assert/strict";
import { testApp } from "@/tests/support/app.ts";
import { makeSession } from "@/tests/support/sessions.ts";
import { SESSION_COOKIE } from "@/lib/accounts/auth.ts";
import { catalogs } from "@/lib/shared/i18n/catalog.ts";
import { type Locale, translator } from "@/lib/shared/i18n/mod.ts";
import { createRoom } from "@/lib/rooms/rooms.ts";
import { randomProgram } from "@/lib/store/contract/data.ts";

/** Words a Korean page may show in Latin letters: the brand, key names, codes and the other language's own name. */
const LATIN_OK = new Set([
  "Parley",
  "English",
  "Enter",
  "Shift",
  // Key names, like Enter and Shift (the console's shortcuts).
  "Alt",
  "Ctrl",
  "UTC",
  "JSON",
  "WebSocket",
  "WIDGET",
  "ORIGINS",
  "Alt",
  "Ctrl",
]);
const KEYS = Object.keys(catalogs.en);

/** The text a reader sees: no tags, scripts, styles or the islands' props blob. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(input|textarea)[^>]*(placeholder|aria-label|title)="([^"]*)"[^>]*>/g, " $3 ")
    .replace(/\s(aria-label|placeholder|title|alt)="([^"]*)"/g, "> $2 <")
    .replace(/<[^>]+>/g, " ")
    .replace(/&[a-z]+;|&#\d+;/g, " ")
    .replace(/\s+/g, " ");
}

function check(locale: Locale, path: string, html: string, userContent: string[]) {
  let text = visibleText(html);
  for (const s of userContent) text = text.split(s).join(" ");
  for (const key of KEYS) assert.ok(!text.includes(key), `${locale} ${path}: raw key ${key}`);
  assert.ok(!/\b[a-z]+\.[a-z]+[A-Z]\w*\b/.test(text), `${locale} ${path}: something like a key in "${text}"`);
  if (locale === "ko") {
    const english = (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !LATIN_OK.has(w));
    assert.deepEqual(english, [], `${locale} ${path}: English in "${text}"`);
    assert.match(html, /<html lang="ko"/);
  } else {
    const hangul = text.replace("한국어", "").match(/[\uAC00-\uD7A3]+/g) ?? [];
    assert.deepEqual(hangul, [], `${locale} ${path}: Hangul in "${text}"`);
    assert.match(html, /<html lang="en"/);
  }
}

Deno.test({
  name: "[i18n] pages - every page in Korean and English, no raw keys, no other language",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const app = await testApp();
    try {
      const { store } = app.services;
      const owner = await makeSession(store, "user", "owner");
      const guest = await makeSession(store, "guest", "guestname");
      const counselor = await makeSession(store, "counselor", "counselorname");
      const room = await createRoom(store, owner, { name: "roomname", visibility: "public" });
      const secret = await createRoom(store, owner, { name: "secretroom", visibility: "private" });
      const future = new Date(Date.now() + 90 * 864e5).toISOString();
      const later = new Date(Date.now() + 120 * 864e5).toISOString();
      const program = randomProgram({
        id: "prog-i18n",
        title: "programtitle",
        description: "programdescription",
        tags: ["tagone"],
        startsAt: future,
        endsAt: later,
        price: 150000,
        currency: "KRW",
        url: "https://example.com/apply",
      });
      await store.upsertProgram(program);
      const users = [
        "owner",
        "guestname",
        "counselorname",
        "roomname",
        "secretroom",
        "programtitle",
        "programdescription",
        "tagone",
        "https://shop.example",
      ];
      const pages: { path: string; as?: typeof owner; status?: number }[] = [
        { path: "/" },
        { path: "/", as: owner },
        { path: `/?invite=${secret.inviteCode}` },
        { path: "/?invite=AAAAAAAAAAAAAAAAAAAAAA", status: 404 },
        { path: `/rooms/${room.id}` },
        { path: `/rooms/${room.id}`, as: guest },
        { path: `/rooms/${secret.id}`, as: guest, status: 403 },
        { path: `/rooms/${secret.id}`, as: owner },
        { path: "/support" },
        { path: "/support", as: guest },
        { path: `/programs/${program.id}` },
        { path: "/login" },
        { path: "/signup" },
        { path: "/console", as: counselor },
        { path: "/account/password", as: owner },
        { path: "/widget?origin=https://shop.example", status: 403 },
        { path: "/no-such-page", status: 404 },
      ];
      for (const locale of ["ko", "en"] as const) {
        for (const page of pages) {
          await t.step(`${locale} ${page.path}${page.as ? ` as ${page.as.role}` : ""}`, async () => {
            const cookie = [`lang=${locale}`];
            if (page.as) cookie.push(`${SESSION_COOKIE}=${page.as.id}`);
            const res = await app.app.request(page.path, { headers: { cookie: cookie.join("; ") } });
            assert.equal(res.status, page.status ?? 200, page.path);
            check(locale, page.path, await res.text(), users);
          });
        }
      }
      await t.step("Accept-Language chooses when there is no cookie; the cookie wins over it", async () => {
        const ko = await app.app.request("/", { headers: { "accept-language": "ko-KR,ko;q=0.9" } });
        assert.match(await ko.text(), /<html lang="ko"/);
        const en = await app.app.request("/", {
          headers: { "accept-language": "ko-KR", cookie: "lang=en" },
        });
        assert.match(await en.text(), /<html lang="en"/);
      });
      await t.step("the switch sets the cookie and returns to the same page", async () => {
        const res = await app.app.request(`/lang/ko?next=${encodeURIComponent(`/rooms/${room.id}`)}`);
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), `/rooms/${room.id}`);
        assert.match(res.headers.get("set-cookie") ?? "", /lang=ko;.*Path=\//);
        const evil = await app.app.request("/lang/en?next=//evil.example");
        assert.equal(evil.headers.get("location"), "/");
      });
      await t.step("API errors speak the reader's language with a stable code", async () => {
        const res = await app.app.request("/api/rooms", {
          method: "POST",
          headers: {
            cookie: `lang=ko; ${SESSION_COOKIE}=${owner.id}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ name: "x".repeat(65), visibility: "public" }),
        });
        assert.equal(res.status, 400);
        const { error } = await res.json();
        assert.equal(error.code, "bad_name");
        assert.equal(error.message, translator("ko").t("limits.name.too_long", { max: 64 }));
      });
    } finally {
      await app.close();
    }
  },
});
