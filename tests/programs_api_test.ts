/**
 * The program catalog over HTTP on both stores: search (literal text, Korean and English, status,
 * order, paging), one program as JSON, and the program page (status badge, Apply, 404).
 */
import assert from "node:assert/strict";
import type { Program } from "@/lib/store/types.ts";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import { call } from "@/tests/support/sessions.ts";

const DAY = 86_400_000;
const now = Date.now();
const at = (days: number) => new Date(now + days * DAY).toISOString();

function program(
  id: string,
  title: string,
  startDays: number,
  endDays: number,
  extra: Partial<Program> = {},
): Program {
  return {
    id,
    title,
    description: `About ${title}`,
    startsAt: at(startDays),
    endsAt: at(endDays),
    price: 100000,
    currency: "KRW",
    url: `https://apply.example.com/${id}`,
    tags: [],
    updatedAt: new Date(now).toISOString(),
    ...extra,
  };
}

const catalog: Program[] = [
  program("kr-data", "데이터 분석 부트캠프", 10, 90),
  program("kr-coding", "어린이 코딩 캠프", -5, 5, { description: "블록 코딩과 로봇" }),
  program("en-ux", "UX Design Intensive", 30, 100, { description: "Research and PROTOTYPING" }),
  program("ended-1", "Data Visualization", -100, -50),
  program("ended-2", "데이터 엔지니어링", -60, -10),
  program("regex", "Literal (a+)+$ and .* in a title", -1, 1),
];

async function seed(t: TestApp) {
  for (const p of catalog) await t.services.store.upsertProgram(p);
}

const ids = (json: { programs: Program[] }) => json.programs.map((p) => p.id);

onBothStores((kind, open) => {
  const test = (name: string, fn: (t: TestApp) => Promise<void>) =>
    Deno.test(`[programs api:${kind}] ${name}`, async () => {
      const t = await open();
      try {
        await seed(t);
        await fn(t);
      } finally {
        await t.close();
      }
    });

  test("search - current by start, expired by end newest first", async (t) => {
    const current = await call(t.app, "/api/programs?status=current");
    assert.equal(current.status, 200);
    assert.deepEqual(ids(current.json), ["kr-coding", "regex", "kr-data", "en-ux"]);
    const expired = await call(t.app, "/api/programs?status=expired");
    assert.deepEqual(ids(expired.json), ["ended-2", "ended-1"]);
    const all = await call(t.app, "/api/programs?status=all");
    assert.equal(all.json.programs.length, catalog.length);
  });

  test("search - Korean and English, case-insensitive, title and description", async (t) => {
    const korean = await call(t.app, `/api/programs?status=all&q=${encodeURIComponent("데이터")}`);
    assert.deepEqual(ids(korean.json).sort(), ["ended-2", "kr-data"]);
    const inDescription = await call(t.app, `/api/programs?q=${encodeURIComponent("로봇")}`);
    assert.deepEqual(ids(inDescription.json), ["kr-coding"]);
    const mixedCase = await call(t.app, "/api/programs?q=prototyping");
    assert.deepEqual(ids(mixedCase.json), ["en-ux"]);
  });

  test("search - text is literal, never a pattern; empty result is an empty list", async (t) => {
    for (const q of ["(a+)+$", ".*", "a+"]) {
      const r = await call(t.app, `/api/programs?status=all&q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, q);
      assert.deepEqual(ids(r.json), ["regex"], q);
    }
    for (const q of ["[", "\\", "$where", "^데이터"]) {
      const r = await call(t.app, `/api/programs?status=all&q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, q);
      assert.deepEqual(r.json, { programs: [] }, q);
    }
    const tooLong = await call(t.app, `/api/programs?q=${"x".repeat(101)}`);
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.json.error.code, "bad_query");
    assert.equal((await call(t.app, "/api/programs?q[$ne]=x")).status, 200);
    assert.equal((await call(t.app, "/api/programs?status=soon")).status, 400);
  });

  test("search - pages with a cursor, limit at most 50", async (t) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await call(t.app, `/api/programs?status=all&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(r.status, 200);
      assert.ok(r.json.programs.length <= 2);
      seen.push(...ids(r.json));
      cursor = r.json.nextCursor;
    } while (cursor);
    assert.equal(seen.length, catalog.length);
    assert.equal(new Set(seen).size, catalog.length);
    assert.equal((await call(t.app, "/api/programs?cursor=not-a-cursor")).status, 400);
  });

  test("one program - JSON and 404", async (t) => {
    const r = await call(t.app, "/api/programs/kr-data");
    assert.equal(r.status, 200);
    assert.equal(r.json.title, "데이터 분석 부트캠프");
    const missing = await call(t.app, "/api/programs/nope");
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, "not_found");
  });

  test("program page - badge, price, Apply while open; closed when ended; 404 page", async (t) => {
    const page = await call(t.app, "/programs/kr-data", {
      headers: { accept: "text/html", "accept-language": "ko-KR" },
    });
    assert.equal(page.status, 200);
    const html = page.json as string;
    assert.match(html, /데이터 분석 부트캠프/);
    assert.match(html, /status-upcoming/);
    assert.match(
      html,
      /<a class="btn btn-primary apply" href="https:\/\/apply\.example\.com\/kr-data" rel="noopener">/,
    );
    assert.match(html, /₩100,000/);
    const running = (await call(t.app, "/programs/kr-coding", { headers: { accept: "text/html" } }))
      .json as string;
    assert.match(running, /status-running/);
    const ended = (await call(t.app, "/programs/ended-1", { headers: { accept: "text/html" } }))
      .json as string;
    assert.match(ended, /status-ended/);
    assert.match(ended, /applications are closed/);
    assert.doesNotMatch(ended, /class="btn btn-primary apply"/);
    const missing = await call(t.app, "/programs/nope", { headers: { accept: "text/html" } });
    assert.equal(missing.status, 404);
    assert.match(missing.res.headers.get("content-type") ?? "", /text\/html/);
    assert.match(missing.json as string, /Page not found/);
  });
});
