import { deepEqual, equal } from "node:assert/strict";
import { layout, sendersOf } from "./loops.ts";

Deno.test("[bench] layout - one sender first in each room, then its readers", () => {
  const { assignment, isSender } = layout(["a", "b"], 2);
  deepEqual(assignment, [["a"], ["a"], ["a"], ["b"], ["b"], ["b"]]);
  deepEqual(assignment.map((_, i) => isSender(i)), [true, false, false, true, false, false]);
});

Deno.test("[bench] senders - each process gets its own senders, by local index", () => {
  const ids = Array.from({ length: 100 }, (_, i) => `r${i}`);
  const { assignment, isSender } = layout(ids, 5);
  const of = sendersOf(assignment, isSender, 2);
  equal(of(0).length + of(1).length, 100);
  deepEqual(of(0)[1], { conn: 6, room: "r1" });
  deepEqual(of(1)[0], { conn: 0, room: "r50" });
});

Deno.test("[bench] senders - a room split across processes keeps its one sender", () => {
  const { assignment, isSender } = layout(["only"], 10);
  const of = sendersOf(assignment, isSender, 2);
  deepEqual(of(0), [{ conn: 0, room: "only" }]);
  deepEqual(of(1), []);
});
