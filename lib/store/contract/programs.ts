/**
 * The program part of the store contract (see `contract.ts`): upsert, lookup, literal search,
 * status filters and cursor paging.
 */
import assert from "node:assert/strict";
import { type ContractTest, randomProgram } from "./data.ts";
import type { Program, ProgramQuery, Store } from "../types.ts";

const NOW = new Date("2030-06-01T00:00:00.000Z");
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();

async function ids(store: Store, query: Partial<ProgramQuery>): Promise<string[]> {
  const page = await store.searchPrograms({ status: "all", limit: 100, now: NOW, ...query });
  return page.programs.map((p) => p.id);
}

async function allPages(store: Store, query: Omit<ProgramQuery, "cursor">): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.searchPrograms({ ...query, cursor });
    pages.push(page.programs.map((p) => p.id));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

export function registerProgramContract(test: ContractTest): void {
  test("upsertProgram - inserts, replaces, and reports no change for the same record", async (store) => {
    const program = randomProgram();
    assert.deepEqual(await store.upsertProgram(program), { changed: true });
    assert.deepEqual(await store.getProgram(program.id), program);
    assert.deepEqual(await store.upsertProgram({ ...program }), { changed: false });
    // A reload that only restamps updatedAt is not a change.
    assert.deepEqual(await store.upsertProgram({ ...program, updatedAt: new Date(0).toISOString() }), {
      changed: false,
    });
    const renamed = { ...program, title: "Renamed", tags: ["a", "b"] };
    assert.deepEqual(await store.upsertProgram(renamed), { changed: true });
    assert.deepEqual(await store.getProgram(program.id), renamed);
    assert.equal(await store.getProgram("nope"), null);
  });

  test("searchPrograms - matches title and description literally, ignoring case, Korean and English", async (store) => {
    const py = randomProgram({ title: "Intro to Python", description: "Eight weeks" });
    const seoul = randomProgram({ title: "Weekend workshop", description: "서울 강남에서 열리는 과정" });
    const both = randomProgram({ title: "서울 PyThOn meetup", description: "" });
    for (const p of [py, seoul, both]) await store.upsertProgram(p);
    assert.deepEqual((await ids(store, { q: "PYTHON" })).sort(), [py.id, both.id].sort());
    assert.deepEqual((await ids(store, { q: "서울" })).sort(), [seoul.id, both.id].sort());
    assert.deepEqual(await ids(store, { q: "강남에서" }), [seoul.id]);
    assert.deepEqual(await ids(store, { q: "eight WEEKS" }), [py.id]);
    assert.deepEqual(await ids(store, { q: "nothing like this" }), []);
    assert.equal((await ids(store, { q: "" })).length, 3);
  });

  test("searchPrograms - regex metacharacters are taken literally", async (store) => {
    const plain = randomProgram({ title: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", description: "plain" });
    const regexy = randomProgram({
      title: "Regex (a+)+$ class",
      description: "covers [brackets] and back\\slash",
    });
    const dots = randomProgram({ title: "Wildcards", description: "match .* anything" });
    for (const p of [plain, regexy, dots]) await store.upsertProgram(p);
    assert.deepEqual(await ids(store, { q: "(a+)+$" }), [regexy.id]);
    assert.deepEqual(await ids(store, { q: ".*" }), [dots.id]);
    assert.deepEqual(await ids(store, { q: "[" }), [regexy.id]);
    assert.deepEqual(await ids(store, { q: "\\" }), [regexy.id]);
    assert.deepEqual(await ids(store, { q: "a.a" }), []);
    assert.deepEqual(await ids(store, { q: "^Regex" }), []);
    assert.deepEqual(await ids(store, { q: "$" }), [regexy.id]);
  });

  test("searchPrograms - status current / expired / all, in their orders", async (store) => {
    const soon = randomProgram({ startsAt: day(3), endsAt: day(10) });
    const running = randomProgram({ startsAt: day(-5), endsAt: day(1) });
    const later = randomProgram({ startsAt: day(30), endsAt: day(40) });
    const endedRecently = randomProgram({ startsAt: day(-20), endsAt: day(-1) });
    const endedLongAgo = randomProgram({ startsAt: day(-90), endsAt: day(-60) });
    const endsNow = randomProgram({ startsAt: day(-3), endsAt: NOW.toISOString() });
    // Another ISO form of a time: compared as a time, not as text.
    const shortForm = randomProgram({ startsAt: "2030-06-02T00:00:00Z", endsAt: "2030-06-20T00:00:00Z" });
    for (const p of [soon, running, later, endedRecently, endedLongAgo, endsNow, shortForm]) {
      await store.upsertProgram(p);
    }
    assert.deepEqual(await ids(store, { status: "current" }), [running.id, shortForm.id, soon.id, later.id]);
    assert.deepEqual(await ids(store, { status: "expired" }), [
      endsNow.id,
      endedRecently.id,
      endedLongAgo.id,
    ]);
    assert.deepEqual(await ids(store, { status: "all" }), [
      endedLongAgo.id,
      endedRecently.id,
      running.id,
      endsNow.id,
      shortForm.id,
      soon.id,
      later.id,
    ]);
    assert.deepEqual(await ids(store, { status: "current", q: running.title.toUpperCase() }), [running.id]);
    assert.deepEqual(await ids(store, { status: "expired", q: running.title }), []);
  });

  test("searchPrograms - pages with limit and cursor, without duplicates or gaps", async (store) => {
    const programs: Program[] = [];
    for (let i = 0; i < 23; i++) {
      // Every third pair shares a start time, so ties must page by id.
      programs.push(
        randomProgram({ title: `Course ${i}`, startsAt: day(Math.floor(i / 3)), endsAt: day(50 + (i % 4)) }),
      );
    }
    for (const p of programs) await store.upsertProgram(p);
    for (const status of ["current", "all"] as const) {
      const pages = await allPages(store, { status, limit: 5, now: NOW });
      assert.deepEqual(pages.map((p) => p.length), [5, 5, 5, 5, 3]);
      const full = await ids(store, { status, limit: 100 });
      assert.deepEqual(pages.flat(), full);
      assert.equal(new Set(full).size, 23);
    }
    const expired = await allPages(store, { status: "all", q: "course", limit: 23, now: NOW });
    assert.deepEqual(expired.map((p) => p.length), [23]);
    const later = new Date(NOW.getTime() + 60 * 86_400_000);
    const endedPages = await allPages(store, { status: "expired", limit: 4, now: later });
    const ended = endedPages.flat();
    assert.equal(ended.length, 23);
    assert.equal(new Set(ended).size, 23);
    assert.deepEqual(ended, await ids(store, { status: "expired", now: later }));
  });
}
