/** The browser chat client's connection: reconnects and backoff, rejoins with since, frames, pings, typing. */
import assert from "node:assert/strict";
import type { Message } from "@/lib/shared/protocol.ts";
import { retryDelay, statusText } from "@/lib/browser/chat_client.ts";
import { author, msg, presence, setup } from "@/tests/support/chat_client_fakes.ts";

Deno.test("[chat_client] retryDelay - 2 s first, then doubling with jitter, capped at 30 s", () => {
  assert.equal(retryDelay(0, () => 0.99), 2000);
  assert.equal(retryDelay(1, () => 0.5), 4000);
  assert.equal(retryDelay(2, () => 0.5), 8000);
  assert.equal(retryDelay(2, () => 0), 6400);
  assert.equal(retryDelay(2, () => 1), 9600);
  assert.equal(retryDelay(10, () => 1), 30_000);
});

Deno.test("[chat_client] reconnect - first retry after 2 s, then backs off, counting down", () => {
  const { conn, clock, sockets, statuses, last } = setup();
  conn.join("r1", {});
  last().open();
  assert.deepEqual(conn.status, { state: "open" });
  last().drop();
  assert.deepEqual(conn.status, { state: "closed", retryIn: 2 });
  assert.equal(statusText(conn.status), "Connection is closed — reconnecting in 2 s");
  clock.advance(1000);
  assert.deepEqual(conn.status, { state: "closed", retryIn: 1 });
  clock.advance(999);
  assert.equal(sockets.length, 1);
  clock.advance(1);
  assert.equal(sockets.length, 2);
  last().drop(); // the retry failed: next wait is 4 s
  clock.advance(3999);
  assert.equal(sockets.length, 2);
  clock.advance(1);
  assert.equal(sockets.length, 3);
  last().open();
  assert.equal(statusText(conn.status), "Connection is open");
  last().drop(); // a successful open resets the backoff
  assert.deepEqual(conn.status, { state: "closed", retryIn: 2 });
  assert.ok(statuses.some((s) => s.state === "closed" && s.retryIn === 3));
  conn.close();
  assert.equal(clock.timers.size, 0);
});

Deno.test("[chat_client] reconnect - stops on 4401 (no session) and says so", () => {
  const { conn, clock, sockets, last } = setup();
  conn.join("r1", {});
  last().open();
  last().drop(4401);
  clock.advance(60_000);
  assert.equal(sockets.length, 1);
  assert.equal(conn.status.state === "closed" && conn.status.retryIn, null);
});

Deno.test("[chat_client] reconnect - at once on 1012 and 1001, then every second while the server is away", () => {
  for (const code of [1012, 1001]) {
    const { conn, clock, sockets, last } = setup(() => 0.5);
    conn.join("r1", {});
    last().open();
    last().drop(code);
    clock.advance(125);
    assert.equal(sockets.length, 2, `code ${code}: reconnects within 250 ms, not the 2 s backoff`);
    // The server is still down: tries go on every second, never backing off to 4, 8, 16 s.
    for (let i = 0; i < 8; i++) {
      last().drop(1006);
      assert.ok(conn.status.state === "closed" && conn.status.retryIn === 1, `try ${i}: next in 1 s`);
      clock.advance(1000);
      assert.equal(sockets.length, 3 + i, `code ${code}: try ${i}`);
    }
    last().open();
    assert.deepEqual(conn.status, { state: "open" });
    // Back to the ordinary schedule after a plain drop.
    last().drop(1006);
    assert.deepEqual(conn.status, { state: "closed", retryIn: 2 });
    conn.close();
  }
});

Deno.test("[chat_client] rejoin - joins with since = last seq after a reconnect", () => {
  const { conn, clock, last } = setup();
  const got: Message[] = [];
  const joins: boolean[] = [];
  conn.join("r1", {
    message: (m) => got.push(m),
    joined: (f, rejoin) => (got.push(...f.messages), joins.push(rejoin)),
  });
  last().open();
  assert.deepEqual(last().sent, [{ type: "join", room: "r1" }]);
  last().receive({
    type: "joined",
    room: "r1",
    seq: 2,
    messages: [msg(1), msg(2)],
    presence,
    hasMore: false,
  });
  last().receive({ type: "message", room: "r1", message: msg(3) });
  last().drop();
  clock.advance(2000);
  last().open();
  assert.deepEqual(last().sent, [{ type: "join", room: "r1", since: 3 }]);
  // Overlap from the server is dropped by seq; only 4 and 5 are new.
  last().receive({
    type: "joined",
    room: "r1",
    seq: 5,
    messages: [msg(3), msg(4), msg(5)],
    presence,
    hasMore: false,
  });
  last().receive({ type: "message", room: "r1", message: msg(5) }, {
    type: "message",
    room: "r1",
    message: msg(6),
  });
  assert.deepEqual(got.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(joins, [false, true]);
  conn.close();
});

Deno.test("[chat_client] join - with since from server-rendered history", () => {
  const { conn, last } = setup();
  conn.join("r1", {}, 7);
  last().open();
  assert.deepEqual(last().sent, [{ type: "join", room: "r1", since: 7 }]);
  conn.close();
});

Deno.test("[chat_client] frames - splits coalesced frames on newlines and skips bad lines", () => {
  const { conn, last } = setup();
  const got: number[] = [];
  let typing = "";
  conn.join("r1", { message: (m) => got.push(m.seq), typing: (u) => (typing = u.name) });
  last().open();
  last().onmessage?.(
    new MessageEvent("message", {
      data: `${JSON.stringify({ type: "message", room: "r1", message: msg(1) })}\nnot json\n\n` +
        `${JSON.stringify({ type: "typing", room: "r1", user: author })}\n` +
        JSON.stringify({ type: "message", room: "r1", message: msg(2) }),
    }),
  );
  assert.deepEqual(got, [1, 2]);
  assert.equal(typing, "mina");
  conn.close();
});

Deno.test("[chat_client] ping - pings while open and drops a silent socket", () => {
  const { conn, clock, sockets, last } = setup();
  conn.join("r1", {});
  last().open();
  clock.advance(25_000);
  assert.deepEqual(last().sent.at(-1), { type: "ping" });
  last().receive({ type: "pong" });
  clock.advance(75_000); // nothing heard for 2.5 pings
  assert.equal(conn.status.state, "closed");
  clock.advance(2000);
  assert.equal(sockets.length, 2);
  conn.close();
});

Deno.test("[chat_client] typing - throttled to one frame per 2.5 s", () => {
  const { conn, clock, last } = setup();
  conn.join("r1", {});
  last().open();
  last().receive({ type: "joined", room: "r1", seq: 0, messages: [], presence, hasMore: false });
  conn.typing("r1");
  conn.typing("r1");
  clock.advance(2500);
  conn.typing("r1");
  assert.equal(last().sent.filter((f) => f.type === "typing").length, 2);
  conn.close();
});
