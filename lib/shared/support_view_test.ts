import assert from "node:assert/strict";
import type { Message, SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import { isNewWaiting, linesOf, mergeLine, tabOf } from "@/lib/shared/support_view.ts";

const user: UserRef = { id: "g_1", name: "민지", role: "guest" };
const mina: UserRef = { id: "u_mina", name: "mina", role: "counselor" };
const jun: UserRef = { id: "u_jun", name: "jun", role: "counselor" };

function msg(seq: number, author: UserRef, kind: Message["kind"] = "text"): Message {
  return {
    id: `m${seq}`,
    seq,
    room: "r1",
    kind,
    author,
    text: `#${seq}`,
    at: `2026-11-22T10:00:${String(seq).padStart(2, "0")}Z`,
  };
}

function line(patch: Partial<SupportSummary> = {}): SupportSummary {
  return {
    room: "r1",
    user,
    state: "waiting",
    unread: 1,
    updatedAt: "2026-11-22T10:00:00Z",
    lastMessage: msg(1, user),
    ...patch,
  };
}

Deno.test("[support_view] tabOf and linesOf - tabs per counselor, waiting first come first served", () => {
  assert.equal(tabOf(line(), mina), "waiting");
  assert.equal(tabOf(line({ state: "active", counselor: mina }), mina), "mine");
  assert.equal(tabOf(line({ state: "active", counselor: jun }), mina), null);
  assert.equal(tabOf(line({ state: "closed" }), mina), "closed");
  const older = line({ room: "a", lastMessage: msg(1, user) });
  const newer = line({ room: "b", lastMessage: msg(2, user) });
  assert.deepEqual(linesOf([newer, older], "waiting", mina).map((l) => l.room), ["a", "b"]);
  const closed = [older, newer].map((l) => ({ ...l, state: "closed" as const }));
  assert.deepEqual(linesOf(closed, "closed", mina).map((l) => l.room), ["b", "a"]);
});

Deno.test("[support_view] mergeLine - own unread counts, viewing reads, stale pushes ignored", () => {
  const held = line({ unread: 2, lastMessage: msg(3, user) });
  // Another counselor is in charge: this console counts the user's new line itself.
  assert.equal(
    mergeLine(held, line({ state: "active", counselor: jun, unread: 0, lastMessage: msg(4, user) }), {
      me: mina,
    }).unread,
    3,
  );
  // A counselor's reply is not unread.
  assert.equal(mergeLine(held, line({ unread: 9, lastMessage: msg(4, jun) }), { me: mina }).unread, 2);
  // In charge: the push is exact.
  assert.equal(
    mergeLine(held, line({ state: "active", counselor: mina, unread: 1, lastMessage: msg(4, user) }), {
      me: mina,
    }).unread,
    1,
  );
  assert.equal(mergeLine(held, line({ lastMessage: msg(4, user) }), { me: mina, viewing: "r1" }).unread, 0);
  assert.equal(mergeLine(held, line({ lastMessage: msg(2, user) }), { me: mina }), held);
  assert.equal(mergeLine(undefined, line({ unread: 5 }), { me: mina }).unread, 5);
});

Deno.test("[support_view] isNewWaiting - alerts once per chat that starts or comes back", () => {
  assert.equal(isNewWaiting(undefined, line()), true);
  assert.equal(isNewWaiting(line(), line({ lastMessage: msg(2, user) })), false);
  assert.equal(isNewWaiting(line({ state: "closed" }), line()), true);
  assert.equal(isNewWaiting(undefined, line({ lastMessage: msg(1, mina) })), false);
  assert.equal(isNewWaiting(undefined, line({ state: "active" })), false);
});
