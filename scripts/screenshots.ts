/**
 * `deno run -A scripts/screenshots.ts [dir]`: every page in Korean and English at 1280×800 and
 * 390×844, in Debian's Chromium against a fresh server with sample data, as PNGs in `dir`
 * (default ./data/screenshots). For looking at, not for asserting.
 */
import { startServer } from "@/tests/support/server.ts";
import { newPage, withBrowser } from "@/tests/support/browser.ts";
import { apiRoom, enterRoom, logIn, say, seedUser, useLocale } from "@/tests/support/ui.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { loadCatalog } from "@/scripts/load_programs.ts";

const out = Deno.args[0] ?? "data/screenshots";
await Deno.mkdir(out, { recursive: true });
const dir = await Deno.makeTempDir({ prefix: "parley-shots-" });
const kvPath = `${dir}/parley.kv`;
await seedUser(kvPath, "counselor1", "correct horse battery", "counselor");
const store = await openKvStore(kvPath);
await loadCatalog(store, await Deno.readTextFile(new URL("./data/programs.json", import.meta.url)));
await store.close();
const server = await startServer({ kvPath, env: { MAX_SOCKETS_PER_ADDRESS: "100" } });
try {
  await withBrowser(async (browser) => {
    // Some life in the rooms first: a public room with a conversation, a private one, a support chat.
    const seed = await newPage(browser);
    await seed.page.goto(server.url + "/");
    await seed.page.fill("#create-nick", "민지");
    await seed.page.fill("#create-name", "주말 등산 모임");
    await seed.page.click("form:has(#create-name) button[type=submit]");
    await seed.page.waitForURL(/\/rooms\//);
    const roomUrl = seed.page.url();
    await seed.page.waitForSelector(".conn-open");
    for (
      const m of [
        "이번 주 토요일 북한산 가실 분 계신가요? 아침 일곱 시에 구파발역에서 만나요.",
        "저요! 처음인데 초보도 괜찮을까요?",
        "물론이죠 천천히 올라가요 https://example.com/very/long/path/that/should/wrap/anywhere/in/a/bubble",
      ]
    ) await say(seed.page, m);
    const secret = await apiRoom(seed.page, server.url, "비밀 스터디", "private");
    const asker = await newPage(browser);
    await asker.page.goto(server.url + "/support");
    await asker.page.fill("#support-nickname", "지훈");
    await asker.page.click(".nickname-form button");
    await asker.page.waitForSelector(".conn-open");
    await say(asker.page, "데이터 분석 부트캠프 일정이 궁금해요.");

    for (const locale of ["ko", "en"] as const) {
      for (const [width, height] of [[1280, 800], [390, 844]]) {
        const shot = async (name: string, page: import("playwright-core").Page) => {
          await page.waitForTimeout(300);
          await page.screenshot({ path: `${out}/${locale}-${width}-${name}.png` });
        };
        const v = await newPage(browser, { width, height });
        await useLocale(v.context, server.url, locale);
        await v.page.goto(server.url + "/");
        await shot("lobby", v.page);
        await v.page.goto(roomUrl);
        await shot("room-nickname", v.page);
        await enterRoom(v.page, roomUrl, locale === "ko" ? "하늘" : "sky");
        await shot("room", v.page);
        await v.page.goto(`${server.url}/?invite=${secret.inviteCode}`);
        await shot("invite", v.page);
        await v.page.goto(`${server.url}/rooms/${secret.id}`);
        await shot("private", v.page);
        await v.page.goto(server.url + "/programs/data-analytics-bootcamp-2027");
        await shot("program", v.page);
        await v.page.goto(server.url + "/login");
        await shot("login", v.page);
        await v.page.goto(server.url + "/signup");
        await shot("signup", v.page);
        await v.page.goto(server.url + "/nowhere");
        await shot("404", v.page);
        await v.context.close();

        const s = await newPage(browser, { width, height });
        await useLocale(s.context, server.url, locale);
        await s.page.goto(server.url + "/support");
        await shot("support-start", s.page);
        await s.page.fill("#support-nickname", locale === "ko" ? "서연" : "sara");
        await s.page.click(".nickname-form button");
        await s.page.waitForSelector(".conn-open");
        await say(s.page, locale === "ko" ? "안녕하세요, 상담 받고 싶어요." : "Hello, I have a question.");
        await shot("support", s.page);
        await s.context.close();

        const c = await newPage(browser, { width, height });
        await useLocale(c.context, server.url, locale);
        await logIn(c.page, server.url, "counselor1", "correct horse battery", "/console");
        await c.page.locator(".queue-item").first().waitFor();
        await shot("console", c.page);
        await c.page.locator(".queue-item").first().click();
        await c.page.locator(".console-chat .console-pane:not([hidden]) textarea").waitFor();
        await shot("console-chat", c.page);
        await c.context.close();
      }
    }
  });
} finally {
  await server.stop();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
console.log(`screenshots in ${out}`);
