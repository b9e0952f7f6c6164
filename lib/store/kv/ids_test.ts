import assert from "node:assert/strict";
import { ulid } from "ulid";
import { idRandoms, idTime, MAX_ID_SEQ, messageId, seqOfId } from "./ids.ts";

Deno.test("[store:kv] ids - carry their seq, look like ULIDs and sort by time, then seq", () => {
  const time = idTime(Date.UTC(2026, 0, 1));
  const [r1, r2, r3] = idRandoms(3);
  const ids = [
    messageId(time, 1, r1),
    messageId(time, 2, r2),
    messageId(idTime(Date.UTC(2026, 0, 2)), 1, r3),
  ];
  for (const id of ids) assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.deepEqual(ids.map(seqOfId), [1, 2, 1]);
  assert.deepEqual([...ids].sort(), ids);
  // The time part is a ULID's: the same 10 characters a ULID made at that millisecond starts with.
  assert.equal(time, ulid(Date.UTC(2026, 0, 1)).slice(0, 10));
  for (const seq of [0, 31, 32, 1_000_000, MAX_ID_SEQ]) assert.equal(seqOfId(messageId(time, seq, r1)), seq);
  assert.throws(() => messageId(time, MAX_ID_SEQ + 1, r1), RangeError);
  assert.throws(() => messageId(time, -1, r1), RangeError);
});

Deno.test("[store:kv] ids - the random part differs between ids, and bad ids decode to null", () => {
  const randoms = idRandoms(1_000);
  assert.equal(new Set(randoms).size, 1_000);
  for (const r of randoms) assert.match(r, /^[0-9A-HJKMNP-TV-Z]{8}$/);
  assert.equal(seqOfId("short"), null);
  assert.equal(seqOfId("01JE0000000000000000000OOI"), null); // O and I are not Crockford
  assert.equal(seqOfId("x".repeat(26)), null);
  // A legacy ULID decodes to some seq: the store then compares the stored id (changes.ts).
  assert.equal(typeof seqOfId(ulid()), "number");
});
