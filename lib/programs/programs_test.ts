import assert from "node:assert/strict";
import { isOpen, parseProgramQuery, toSnapshot, validateProgram } from "@/lib/programs/programs.ts";
import { formatRange, localeFromHeader, programStatus } from "@/lib/shared/program_view.ts";
import { HttpError } from "@/lib/web/errors.ts";

const good = {
  id: "data-bootcamp",
  title: "데이터 분석 부트캠프",
  description: "파이썬과 SQL",
  startsAt: "2027-03-02T09:00:00+09:00",
  endsAt: "2027-05-28T18:00:00+09:00",
  price: 2900000,
  currency: "KRW",
  url: "https://apply.example.com/p/data-bootcamp",
  tags: ["데이터"],
};

Deno.test("[programs] validateProgram - accepts a good record and normalizes times to UTC", () => {
  const now = new Date("2026-11-22T00:00:00Z");
  const result = validateProgram(good, now);
  assert.ok(result.ok);
  assert.equal(result.program.startsAt, "2027-03-02T00:00:00.000Z");
  assert.equal(result.program.updatedAt, now.toISOString());
  assert.deepEqual(result.program.tags, ["데이터"]);
});

Deno.test("[programs] validateProgram - names the field of the first problem", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...good, id: "has space" }, /^id:/],
    [{ ...good, title: "  " }, /^title:/],
    [{ ...good, price: -1 }, /^price:/],
    [{ ...good, price: "10" }, /^price:/],
    [{ ...good, currency: "won" }, /^currency:/],
    [{ ...good, url: "javascript:alert(1)" }, /^url:/],
    [{ ...good, startsAt: "2027-03-02" }, /^startsAt:/],
    [{ ...good, endsAt: "2027-01-01T00:00:00Z" }, /^endsAt: must be after startsAt/],
    [{ ...good, extra: 1 }, /extra/],
  ];
  for (const [record, pattern] of cases) {
    const result = validateProgram(record);
    assert.equal(result.ok, false, JSON.stringify(record));
    if (!result.ok) assert.match(result.error, pattern);
  }
  assert.equal(validateProgram(null).ok, false);
  assert.equal(validateProgram([good]).ok, false);
});

Deno.test("[programs] programStatus - upcoming, running, ended around the dates", () => {
  const p = { startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-02-01T00:00:00Z" };
  assert.equal(programStatus(p, new Date("2025-12-31T23:59:59Z")), "upcoming");
  assert.equal(programStatus(p, new Date("2026-01-01T00:00:00Z")), "running");
  assert.equal(programStatus(p, new Date("2026-02-01T00:00:00Z")), "ended");
  assert.equal(isOpen(p, new Date("2026-01-15T00:00:00Z")), true);
  assert.equal(isOpen(p, new Date("2026-03-01T00:00:00Z")), false);
});

Deno.test("[programs] toSnapshot - keeps only what a card shows", () => {
  const result = validateProgram(good);
  assert.ok(result.ok);
  assert.deepEqual(Object.keys(toSnapshot(result.program)).sort(), [
    "currency",
    "endsAt",
    "id",
    "price",
    "startsAt",
    "title",
    "url",
  ]);
});

Deno.test("[programs] parseProgramQuery - defaults, limits and literal text", () => {
  const now = new Date();
  const q = parseProgramQuery(new URLSearchParams(""), now);
  assert.deepEqual(q, { q: undefined, status: "current", limit: 20, cursor: undefined, now });
  const pattern = parseProgramQuery(
    new URLSearchParams({ q: " (a+)+$ ", status: "expired", limit: "500" }),
    now,
  );
  assert.equal(pattern.q, "(a+)+$");
  assert.equal(pattern.status, "expired");
  assert.equal(pattern.limit, 50);
  assert.equal(parseProgramQuery(new URLSearchParams({ q: "가".repeat(100) }), now).q?.length, 100);
});

Deno.test("[programs] parseProgramQuery - refuses bad values with 400", () => {
  const bad: Record<string, string>[] = [{ q: "x".repeat(101) }, { status: "soon" }, { limit: "0" }, {
    limit: "2.5",
  }, { cursor: "a b" }];
  for (const params of bad) {
    assert.throws(() => parseProgramQuery(new URLSearchParams(params), new Date()), (err: unknown) => {
      return err instanceof HttpError && err.status === 400;
    });
  }
});

Deno.test("[program_view] formatRange and localeFromHeader - reader's locale", () => {
  const text = formatRange("2027-03-02T00:00:00Z", "2027-05-28T09:00:00Z", "en-US", "UTC");
  assert.match(text, /Mar 2, 2027/);
  assert.match(text, /May 28, 2027/);
  assert.equal(localeFromHeader("ko-KR,ko;q=0.9,en;q=0.8"), "ko-KR");
  assert.equal(localeFromHeader(null), "en");
  assert.equal(localeFromHeader("!!bad"), "en");
});
