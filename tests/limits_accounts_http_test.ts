/**
 * The limits of issue 10 on rooms, the lobby and accounts over HTTP, each crossed on the real server
 * (`lib/ops/server.ts`, two workers); see tests/support/limits_http.ts.
 */
import assert from "node:assert/strict";
import { awaitRoomInWindow } from "@/tests/support/windows.ts";
import {
  account,
  call,
  caseList,
  codeOf,
  guest,
  newAddress,
  PW,
  runCases,
  unique,
} from "@/tests/support/limits_http.ts";

/** Steps of the one test below: one server for them all, started and stopped there. */
const { cases, test } = caseList();

test("rooms made - bounded per user (ROOMS_PER_USER_PER_HOUR=3) and per address (=5)", async (s) => {
  await awaitRoomInWindow(3_600_000);
  const me = await guest(s);
  for (let i = 0; i < 3; i++) {
    assert.equal((await call(s, "/api/rooms", { json: { name: unique("r") }, ...me })).status, 201);
  }
  const fourth = await call(s, "/api/rooms", { json: { name: unique("r") }, ...me });
  assert.equal(fourth.status, 429);
  assert.ok(Number(fourth.headers.get("retry-after")) > 0);
  // New guest sessions from one address share the address's budget: 5 rooms, then 429.
  const from = newAddress();
  const statuses = [];
  for (let i = 0; i < 6; i++) {
    const g = await guest(s, from);
    statuses.push((await call(s, "/api/rooms", { json: { name: unique("a") }, ...g })).status);
  }
  assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429]);
});

test("lobby - paged by a cursor, each page bounded (LOBBY_PAGE_SIZE=4) however many rooms", async (s) => {
  const made: string[] = [];
  for (let i = 0; i < 3; i++) {
    const g = await guest(s);
    for (let j = 0; j < 3; j++) {
      const r = await call(s, "/api/rooms", { json: { name: unique("lobby") }, ...g });
      assert.equal(r.status, 201);
      made.push(r.json!.id as string);
    }
  }
  const seen: string[] = [];
  let cursor: string | null = "";
  let pages = 0;
  while (cursor !== null) {
    const r = await call(s, `/api/rooms${cursor ? `?cursor=${cursor}` : ""}`);
    assert.equal(r.status, 200);
    const rooms = r.json!.rooms as { id: string }[];
    assert.ok(rooms.length <= 4, `page of ${rooms.length}`);
    seen.push(...rooms.map((x) => x.id));
    cursor = r.json!.nextCursor as string | null;
    pages++;
  }
  assert.ok(pages >= 3);
  for (const id of made) assert.ok(seen.includes(id));
  assert.equal(new Set(seen).size, seen.length, "no room twice");
  assert.equal((await call(s, "/api/rooms?cursor=%7B%24gt%3A1%7D")).status, 400);
  // The lobby page shows the first page only.
  const html = await call(s, "/", { headers: { accept: "text/html" } });
  assert.equal((html.text.match(/class="room-card"/g) ?? []).length, 4);
});

test("log-in - an attacker's failures slow the username, not the owner's own address", async (s) => {
  const owner = await account(s);
  const attacker = newAddress();
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    statuses.push(
      (await call(s, "/api/login", {
        json: { username: owner.username, password: `guess ${i}!!` },
        from: attacker,
      }))
        .status,
    );
  }
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
  assert.deepEqual(statuses.slice(10), [429, 429]);
  // The owner, from the address the account was made from, gets in at once.
  const mine = await call(s, "/api/login", {
    json: { username: owner.username, password: PW },
    from: owner.from,
  });
  assert.equal(mine.status, 200);
  // A new address meets the username's short back-off, never a quarter of an hour.
  const elsewhere = await call(s, "/api/login", {
    json: { username: owner.username, password: PW },
    from: newAddress(),
  });
  if (elsewhere.status === 429) assert.ok(Number(elsewhere.headers.get("retry-after")) <= 30);
  else assert.equal(elsewhere.status, 200);
});

test("password change - ends every other session at once; this one stays", async (s) => {
  const me = await account(s);
  const other = await call(s, "/api/login", { json: { username: me.username, password: PW }, from: me.from });
  assert.equal(other.status, 200);
  const otherCookie = other.cookie!;
  const sockets = await Promise.all(
    [0, 1, 2, 3].map(() =>
      new Promise<{ ws: WebSocket; closed: Promise<number> }>((resolve) => {
        const ws = new WebSocket(
          s.wsUrl,
          { headers: { cookie: otherCookie, "x-forwarded-for": me.from } } as never,
        );
        const closed = new Promise<number>((done) => (ws.onclose = (e) => done(e.code)));
        ws.onopen = () => resolve({ ws, closed });
      })
    ),
  );
  const changed = await call(s, "/api/password", {
    json: { current: PW, password: "a brand new passphrase" },
    cookie: me.cookie,
    from: me.from,
  });
  assert.equal(changed.status, 204, changed.text);
  // Every socket of the other session closes with 4403, on whichever isolate it was.
  assert.deepEqual(await Promise.all(sockets.map((x) => x.closed)), [4403, 4403, 4403, 4403]);
  assert.equal((await call(s, "/api/me", { cookie: otherCookie })).status, 401);
  assert.equal((await call(s, "/api/me", { cookie: me.cookie })).status, 200);
  const wrong = await call(s, "/api/password", {
    json: { current: "not it at all", password: "another new passphrase" },
    cookie: me.cookie,
    from: me.from,
  });
  assert.equal(codeOf(wrong), "wrong_password");
});

Deno.test("[limits] http accounts - room, lobby and log-in limits crossed on the real server", (t) =>
  runCases(t, cases));
