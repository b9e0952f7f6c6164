import assert from "node:assert/strict";
import { MemberNotices } from "@/lib/shared/presence_view.ts";

const mina = { id: "u1", name: "mina", role: "guest" as const };
const joe = { id: "u2", name: "joe", role: "guest" as const };
const ann = { id: "u3", name: "ann", role: "user" as const };

Deno.test("[presence_view] MemberNotices - a return within the grace is neither a leave nor a join", () => {
  let now = 0;
  const n = new MemberNotices(10_000, () => now);
  assert.deepEqual(n.update([mina, joe], false).joined, []);
  // A restart: everyone drops, then comes back one by one.
  assert.deepEqual(n.update([], true).joined, []);
  assert.deepEqual(n.view({ count: 0, members: [] }).members.map((m) => m.name), ["mina", "joe"]);
  now = 3_000;
  assert.deepEqual(n.update([mina], true).joined, []);
  now = 4_000;
  assert.deepEqual(n.update([mina, joe], true).joined, []);
  now = 20_000;
  assert.deepEqual(n.expire(), []);
  assert.equal(n.nextExpiry(), null);
});

Deno.test("[presence_view] MemberNotices - a real leave is announced once the grace ends; newcomers at once", () => {
  let now = 0;
  const n = new MemberNotices(10_000, () => now);
  n.update([mina, joe], false);
  assert.deepEqual(n.update([mina, joe, ann], true).joined, [ann]);
  n.update([mina, ann], true);
  assert.equal(n.view({ count: 2, members: [mina, ann] }).count, 3);
  now = 9_999;
  assert.deepEqual(n.expire(), []);
  assert.equal(n.nextExpiry(), 1);
  now = 10_000;
  assert.deepEqual(n.expire(), [joe]);
  assert.equal(n.view({ count: 2, members: [mina, ann] }).count, 2);
  // Back after the grace: a join again.
  assert.deepEqual(n.update([mina, ann, joe], true).joined, [joe]);
});
