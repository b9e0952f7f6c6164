import assert from "node:assert/strict";
import { PresenceTable } from "@/lib/hub/presence_table.ts";
import type { PresenceMember } from "@/lib/shared/protocol.ts";

const member = (id: string, name = id): PresenceMember => ({ id, name, role: "guest" });

function table() {
  let t = 0;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  return { clock, table: new PresenceTable({ ttlMs: 3_000, now: clock.now }) };
}

Deno.test("[presence] addLocal/removeLocal - counts users, not sockets", () => {
  const { table: p } = table();
  assert.equal(p.addLocal("r", member("u1")), true);
  assert.equal(p.addLocal("r", member("u1")), false);
  assert.equal(p.presence("r").count, 1);
  assert.equal(p.removeLocal("r", "u1"), false);
  assert.equal(p.removeLocal("r", "u1"), true);
  assert.equal(p.presence("r").count, 0);
  assert.deepEqual(p.localRooms(), []);
});

Deno.test("[presence] presence - distinct users across nodes", () => {
  const { table: p } = table();
  p.addLocal("r", member("u1", "ann"));
  assert.equal(p.applyRemote("n2", "r", [member("u1", "ann"), member("u2", "bo")]), true);
  assert.equal(p.applyRemote("n3", "r", [member("u2", "bo"), member("u3", "cy")]), true);
  const { count, members } = p.presence("r");
  assert.equal(count, 3);
  assert.deepEqual(members.map((m) => m.name), ["ann", "bo", "cy"]);
});

Deno.test("[presence] applyRemote - a node's list replaces its previous one", () => {
  const { table: p } = table();
  p.applyRemote("n2", "r", [member("u1"), member("u2")]);
  assert.equal(p.applyRemote("n2", "r", [member("u2"), member("u1")]), false);
  assert.equal(p.applyRemote("n2", "r", [member("u2")]), true);
  assert.equal(p.presence("r").count, 1);
  p.applyRemote("n2", "r", []);
  assert.deepEqual(p.rooms(), []);
});

Deno.test("[presence] expire - a node silent past the TTL is dropped", () => {
  const { table: p, clock } = table();
  p.applyRemote("n2", "r", [member("u2")]);
  p.applyRemote("n3", "r", [member("u3")]);
  clock.advance(2_000);
  p.beat("n3", ["r"]);
  clock.advance(1_500);
  assert.deepEqual(p.expire(), ["r"]);
  assert.deepEqual(p.presence("r").members.map((m) => m.id), ["u3"]);
});

Deno.test("[presence] beat - clears rooms a node no longer names and asks for missing ones", () => {
  const { table: p } = table();
  assert.equal(p.beat("n2", []).missing, true, "unknown node");
  p.applyRemote("n2", "a", [member("u1")]);
  p.applyRemote("n2", "b", [member("u1")]);
  const result = p.beat("n2", ["a", "c"]);
  assert.deepEqual(result, { changed: ["b"], missing: true });
  assert.equal(p.presence("b").count, 0);
  assert.equal(p.beat("n2", ["a"]).missing, false);
});

Deno.test("[presence] dropNode - a goodbye removes the node at once", () => {
  const { table: p } = table();
  p.applyRemote("n2", "r", [member("u2")]);
  assert.deepEqual(p.dropNode("n2"), ["r"]);
  assert.equal(p.presence("r").count, 0);
  assert.deepEqual(p.dropNode("n2"), []);
});
