import assert from "node:assert/strict";
import fc from "fast-check";
import { clientFrameSchema, parseClientFrame, type ParseResult } from "@/lib/shared/protocol_schema.ts";

const PLAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The property every input must satisfy: no throw; ok with a frame the schema accepts, or an error. */
function assertWellBehaved(input: unknown): ParseResult {
  let result: ParseResult;
  try {
    result = parseClientFrame(input);
  } catch (err) {
    throw new Error(`parseClientFrame threw on ${JSON.stringify(String(input)).slice(0, 200)}: ${err}`);
  }
  if (result.ok) {
    assert.ok(clientFrameSchema.safeParse(result.frame).success);
    const frame = result.frame as Record<string, unknown>;
    // Whatever reaches the hub and the store is a plain string id, never an object or an operator.
    if ("room" in frame) assert.match(frame.room as string, PLAIN_ID);
    if ("program" in frame && frame.program !== undefined) assert.match(frame.program as string, PLAIN_ID);
    if ("clientId" in frame) assert.equal(typeof frame.clientId, "string");
    if ("text" in frame && frame.text !== undefined) assert.equal(typeof frame.text, "string");
  } else {
    assert.equal(typeof result.code, "string");
    assert.equal(typeof result.message, "string");
    assert.ok(result.message.length > 0);
  }
  return result;
}

const RUNS = { numRuns: 2_000 };

Deno.test("[protocol] parseClientFrame - arbitrary strings: never throws", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => void assertWellBehaved(s)),
    RUNS,
  );
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => void assertWellBehaved(s)), RUNS);
});

Deno.test("[protocol] parseClientFrame - arbitrary JSON values: never throws", () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => void assertWellBehaved(JSON.stringify(v))), RUNS);
});

Deno.test("[protocol] parseClientFrame - arbitrary non-string inputs: an error, never a throw", () => {
  fc.assert(
    fc.property(
      fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }),
      (v) => {
        if (typeof v === "string") return;
        assert.equal(assertWellBehaved(v).ok, false);
      },
    ),
    RUNS,
  );
});

const typeField = fc.oneof(
  fc.constantFrom("join", "leave", "send", "typing", "ping"),
  fc.string({ maxLength: 12 }),
  fc.jsonValue(),
);
const fieldValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/),
  fc.integer(),
  fc.double(),
  fc.jsonValue(),
  fc.constantFrom({ $gt: "" }, { $ne: null }, { $regex: ".*" }, ["a"], null, true),
);
const keys = fc.constantFrom(
  "room",
  "since",
  "clientId",
  "text",
  "program",
  "__proto__",
  "constructor",
  "$where",
);

Deno.test("[protocol] parseClientFrame - objects with a type field and arbitrary fields: never throws", () => {
  fc.assert(
    fc.property(
      typeField,
      fc.array(fc.tuple(fc.oneof(keys, fc.string({ maxLength: 10 })), fieldValue)),
      (type, rest) => {
        // Built as JSON text, as a socket delivers it: `__proto__` then arrives as an own key.
        const fields = rest.map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join("");
        assertWellBehaved(`{"type":${JSON.stringify(type)}${fields}}`);
      },
    ),
    RUNS,
  );
});

Deno.test("[protocol] parseClientFrame - well-formed frames parse to themselves", () => {
  const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
  const frame = fc.oneof(
    fc.record({ type: fc.constant("join"), room: id, since: fc.nat() }, { requiredKeys: ["type", "room"] }),
    fc.record({ type: fc.constant("leave"), room: id }),
    fc.record({ type: fc.constant("send"), room: id, clientId: id, text: fc.string({ maxLength: 200 }) }),
    fc.record({ type: fc.constant("typing"), room: id }),
    fc.record({ type: fc.constant("ping") }),
  );
  fc.assert(
    fc.property(frame, (f) => {
      const result = assertWellBehaved(JSON.stringify(f));
      assert.ok(result.ok);
      assert.deepEqual(result.frame, f);
    }),
    RUNS,
  );
});

Deno.test("[protocol] parseClientFrame - operators and objects in id fields are refused", () => {
  for (
    const raw of [
      '{"type":"join","room":{"$gt":""}}',
      '{"type":"join","room":{"$ne":null}}',
      '{"type":"send","room":"r1","clientId":{"$gt":""},"text":"x"}',
      '{"type":"send","room":"r1","clientId":"c1","program":{"$regex":".*"}}',
      '{"type":"join","room":"$where"}',
      '{"type":"join","room":"a.b"}',
      '{"type":"join","room":["r1"]}',
      '{"type":"join","room":"r1","since":{"$gt":0}}',
      '{"type":{"$eq":"join"},"room":"r1"}',
      '{"__proto__":{"type":"ping"}}',
    ]
  ) {
    const result = assertWellBehaved(raw);
    assert.equal(result.ok, false, raw);
  }
});

Deno.test("[protocol] parseClientFrame - deep nesting and huge numbers do not throw", () => {
  const deep = "[".repeat(20_000) + "]".repeat(20_000);
  assertWellBehaved(deep);
  assertWellBehaved(`{"type":"join","room":"r1","since":${deep}}`);
  assertWellBehaved(`{"type":"ping","x":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}`);
  assertWellBehaved('{"type":"join","room":"r1","since":1e400}');
  assertWellBehaved('{"type":"join","room":"r1","since":-0}');
  assertWellBehaved("\uFEFF{}");
  assertWellBehaved("");
});
