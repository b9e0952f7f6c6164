/** The small pure helpers the chat client exports: links, merging, the Enter guard, notices, outbox and status. */
import assert from "node:assert/strict";
import { EnterGuard, linkify, mergeMessages, Outbox, sameStatus } from "@/lib/browser/chat_client.ts";
import { diffMembers, typingText } from "@/lib/shared/chat_view.ts";
import { msg } from "@/tests/support/chat_client_fakes.ts";

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
