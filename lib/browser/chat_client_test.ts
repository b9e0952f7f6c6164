import assert from "node:assert/strict";
import type { Message } from "@/lib/shared/protocol.ts";
import {
  ChatConnection,
  type Clock,
  type ConnectionStatus,
  EnterGuard,
  linkify,
  mergeMessages,
  Outbox,
  retryDelay,
  sameStatus,
  type SocketLike,
  statusText,
} from "@/lib/browser/chat_client.ts";
import { diffMembers, typingText } from "@/lib/shared/chat_view.ts";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  receive(...frames: object[]) {
    this.onmessage?.(new MessageEvent("message", { data: frames.map((f) => JSON.stringify(f)).join("\n") }));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code }));
  }
}

/** Timers that run only when the test advances time. */
class FakeClock implements Clock {
  t = 0;
  #next = 1;
  timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number) {
    const id = this.#next++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(id: number) {
    this.timers.delete(id);
  }
  now() {
    return this.t;
  }
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

function setup(random = () => 0.5) {
  const sockets: FakeSocket[] = [];
  const clock = new FakeClock();
  const conn = new ChatConnection({
    url: "ws://test/ws",
    clock,
    random,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
  });
  const statuses: ConnectionStatus[] = [];
  conn.subscribe((s) => statuses.push(s));
  return { conn, clock, sockets, statuses, last: () => sockets.at(-1)! };
}

const author = { id: "u1", name: "mina", role: "guest" as const };
function msg(seq: number, text = `m${seq}`): Message {
  return { id: `id${seq}`, seq, room: "r1", kind: "text", author, text, at: new Date(0).toISOString() };
}
const presence = { count: 1, members: [author] };

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

Deno.test("[chat_client] linkify - only http(s) becomes a link, punctuation stays out", () => {
  assert.deepEqual(linkify("see https://deno.com/x?a=1. ok"), [
    { type: "text", text: "see " },
    { type: "link", text: "https://deno.com/x?a=1", href: "https://deno.com/x?a=1" },
    { type: "text", text: ". ok" },
  ]);
  assert.deepEqual(linkify("(http://a.example/b_(c))"), [
    { type: "text", text: "(" },
    { type: "link", text: "http://a.example/b_(c)", href: "http://a.example/b_(c)" },
    { type: "text", text: ")" },
  ]);
  for (const t of ["javascript:alert(1)", "data:text/html,<b>", "vbscript:x", "ftp://x.y", "mailto:a@b.c"]) {
    assert.deepEqual(linkify(t), [{ type: "text", text: t }], t);
  }
  assert.deepEqual(linkify("javascript:alert('https://x.com')").filter((s) => s.type === "link").length, 1);
  assert.deepEqual(linkify("http://"), [{ type: "text", text: "http://" }]);
  assert.deepEqual(linkify(""), []);
});

Deno.test("[chat_client] mergeMessages - sorts by seq and keeps each seq once", () => {
  const merged = mergeMessages([msg(2), msg(3)], [msg(1), msg(3, "again"), msg(4)]);
  assert.deepEqual(merged.map((m) => m.seq), [1, 2, 3, 4]);
  assert.equal(merged[2].text, "again");
  assert.deepEqual(mergeMessages([msg(1)], [msg(2)]).map((m) => m.seq), [1, 2]);
});

Deno.test("[chat_client] EnterGuard - never sends while composing, sends on the first Enter after", () => {
  const g = new EnterGuard();
  assert.equal(g.shouldSend({ key: "Enter" }), true);
  assert.equal(g.shouldSend({ key: "Enter", shiftKey: true }), false);
  assert.equal(g.shouldSend({ key: "a" }), false);
  g.compositionStart();
  assert.equal(g.shouldSend({ key: "Enter", isComposing: true, keyCode: 229 }), false);
  assert.equal(g.shouldSend({ key: "Enter", keyCode: 13 }), false);
  g.compositionEnd();
  // Safari sends the committing keydown after compositionend with keyCode 229.
  assert.equal(g.shouldSend({ key: "Enter", keyCode: 229 }), false);
  // The Enter a Korean IME passes on after committing sends at once.
  assert.equal(g.shouldSend({ key: "Enter", isComposing: false, keyCode: 13 }), true);
});

Deno.test("[chat_client] diffMembers and typingText - presence notices and typing line", () => {
  const a = { id: "a", name: "mina", role: "guest" as const },
    b = { id: "b", name: "joe", role: "user" as const };
  assert.deepEqual(diffMembers([a], [b, b]), { joined: [b], left: [a] });
  assert.equal(typingText([a, b]), "mina and joe are typing…");
  assert.equal(typingText([a, b, a]), "3 people are typing…");
});

Deno.test("[chat_client] Outbox - keeps sends until settled, per room, in order", () => {
  const outbox = new Outbox();
  const a = outbox.add("r1", { text: "one" }, "c1");
  outbox.add("r2", { program: "p1" }, "c2");
  const c = outbox.add("r1", { text: "three" }, "c3");
  assert.deepEqual(a, { type: "send", room: "r1", clientId: "c1", text: "one" });
  assert.deepEqual(outbox.inRoom("r1"), [a, c]);
  assert.equal(outbox.settle("c1"), a);
  assert.equal(outbox.settle("c1"), undefined);
  outbox.dropRoom("r2");
  assert.deepEqual(outbox.ids, ["c3"]);
});

Deno.test("[chat_client] sameStatus - a moved countdown or a new reason is a change", () => {
  assert.ok(sameStatus({ state: "open" }, { state: "open" }));
  assert.ok(!sameStatus({ state: "open" }, { state: "connecting" }));
  assert.ok(sameStatus({ state: "closed", retryIn: 3 }, { state: "closed", retryIn: 3 }));
  assert.ok(!sameStatus({ state: "closed", retryIn: 3 }, { state: "closed", retryIn: 2 }));
  assert.ok(!sameStatus({ state: "closed", retryIn: null }, { state: "closed", retryIn: null, reason: "x" }));
});
