import assert from "node:assert/strict";
import { lastReadOwn, receiptFor } from "./receipts.ts";
import type { Message } from "./protocol.ts";

const mine = (seq: number) => ({ seq, author: { id: "me", name: "me", role: "user" as const } });

Deno.test("[receipts] receiptFor - the other's read mark in two-person rooms, seen-by counts in groups", () => {
  assert.deepEqual(receiptFor(mine(5), { me: 9, bo: 5 }, "me", true), { kind: "read" });
  assert.equal(receiptFor(mine(5), { me: 9, bo: 4 }, "me", true), null);
  assert.deepEqual(receiptFor(mine(5), { me: 9, bo: 6, cy: 5, di: 2 }, "me", false), {
    kind: "seenBy",
    count: 2,
  });
});

Deno.test("[receipts] lastReadOwn - the newest own message at or before the furthest read", () => {
  const list = [
    mine(1),
    { ...mine(2), author: { id: "bo", name: "bo", role: "user" as const } },
    mine(3),
    mine(7),
  ];
  assert.equal(lastReadOwn(list as Message[], { bo: 4 }, "me"), 3);
  assert.equal(lastReadOwn(list as Message[], { me: 9 }, "me"), 0);
});
