/** The browser chat client's outbox: resends after a reconnect, retries, refusals and sends that wait for a join. */
import assert from "node:assert/strict";
import { presence, setup } from "@/tests/support/chat_client_fakes.ts";

Deno.test("[chat_client] outbox - resends with the same clientId after reconnect, once joined", () => {
  const { conn, clock, last } = setup();
  const acks: string[] = [];
  conn.join("r1", { ack: (clientId) => acks.push(clientId) });
  last().open();
  last().receive({ type: "joined", room: "r1", seq: 0, messages: [], presence, hasMore: false });
  const a = conn.send("r1", { text: "hello" });
  const b = conn.send("r1", { text: "again" });
  assert.match(a, /^[0-9a-f-]{36}$/);
  last().receive({ type: "ack", clientId: a, id: "x", seq: 1 });
  assert.deepEqual(conn.pending, [b]);
  last().drop();
  const offline = conn.send("r1", { text: "while away" });
  clock.advance(2000);
  const s = last();
  s.open();
  assert.deepEqual(s.sent.map((f) => f.type), ["join"]);
  s.receive({ type: "joined", room: "r1", seq: 1, messages: [], presence, hasMore: false });
  assert.deepEqual(s.sent.slice(1), [
    { type: "send", room: "r1", clientId: b, text: "again" },
    { type: "send", room: "r1", clientId: offline, text: "while away" },
  ]);
  s.receive({ type: "ack", clientId: b, id: "y", seq: 2 }, {
    type: "ack",
    clientId: offline,
    id: "z",
    seq: 3,
  });
  assert.deepEqual(conn.pending, []);
  assert.deepEqual(acks, [a, b, offline]);
  conn.close();
});

Deno.test("[chat_client] unavailable - a failed join or send is tried again in 2 s", () => {
  const { conn, clock, last } = setup();
  conn.join("r1", {});
  last().open();
  const s = last();
  s.receive({ type: "error", code: "unavailable", message: "db away", room: "r1" });
  clock.advance(1999);
  assert.equal(s.sent.length, 1);
  clock.advance(1);
  assert.deepEqual(s.sent.at(-1), { type: "join", room: "r1" });
  s.receive({ type: "joined", room: "r1", seq: 3, messages: [], presence, hasMore: false });
  const id = conn.send("r1", { text: "hi" });
  s.receive({ type: "error", code: "unavailable", message: "db away", room: "r1", clientId: id });
  assert.deepEqual(conn.pending, [id]);
  clock.advance(2000);
  assert.deepEqual(s.sent.slice(-1), [{ type: "join", room: "r1", since: 3 }]);
  s.receive({ type: "joined", room: "r1", seq: 3, messages: [], presence, hasMore: false });
  assert.deepEqual(s.sent.at(-1), { type: "send", room: "r1", clientId: id, text: "hi" });
  conn.close();
  assert.equal(clock.timers.size, 0);
});

Deno.test("[chat_client] outbox - a refused send is reported and not retried", () => {
  const { conn, last } = setup();
  const errors: string[] = [];
  conn.join("r1", { error: (code, _m, clientId) => errors.push(`${code}:${clientId}`) });
  last().open();
  const id = conn.send("r1", { text: "x" });
  last().receive({ type: "error", code: "rate_limited", message: "slow down", clientId: id });
  assert.deepEqual(errors, [`rate_limited:${id}`]);
  assert.deepEqual(conn.pending, []);
  conn.close();
});

Deno.test("[chat_client] outbox - a send before the room is joined waits for `joined`", () => {
  const { conn, last } = setup();
  conn.join("r1", {});
  last().open();
  const id = conn.send("r1", { text: "typed at once" });
  conn.typing("r1");
  assert.deepEqual(last().sent, [{ type: "join", room: "r1" }]);
  last().receive({ type: "joined", room: "r1", seq: 0, messages: [], presence, hasMore: false });
  assert.deepEqual(last().sent.slice(1), [{ type: "send", room: "r1", clientId: id, text: "typed at once" }]);
  conn.close();
});

Deno.test("[chat_client] outbox - `not_joined` joins again and resends, and tells the reader nothing", () => {
  const { conn, clock, last } = setup();
  const errors: string[] = [];
  conn.join("r1", { error: (code) => errors.push(code) });
  last().open();
  last().receive({ type: "joined", room: "r1", seq: 4, messages: [], presence, hasMore: false });
  const id = conn.send("r1", { text: "hi" });
  last().receive({
    type: "error",
    code: "not_joined",
    message: "Join the room first",
    room: "r1",
    clientId: id,
  });
  assert.deepEqual(conn.pending, [id]);
  conn.send("r1", { text: "held back" });
  assert.equal(last().sent.length, 2, "nothing more goes out until the room is joined again");
  clock.advance(2000);
  assert.deepEqual(last().sent.at(-1), { type: "join", room: "r1", since: 4 });
  last().receive({ type: "joined", room: "r1", seq: 4, messages: [], presence, hasMore: false });
  assert.deepEqual(last().sent.slice(-2).map((f) => f.text), ["hi", "held back"]);
  assert.deepEqual(errors, ["not_joined"]);
  conn.close();
});

Deno.test("[chat_client] outbox - a refused join fails the sends waiting for it", () => {
  const { conn, last } = setup();
  const errors: string[] = [];
  conn.join("secret", { error: (code, _m, clientId) => errors.push(`${code}:${clientId ?? "-"}`) });
  last().open();
  const id = conn.send("secret", { text: "let me in" });
  last().receive({ type: "error", code: "forbidden", message: "Members only", room: "secret" });
  assert.deepEqual(errors, ["forbidden:-", `forbidden:${id}`]);
  assert.deepEqual(conn.pending, []);
  conn.close();
});
