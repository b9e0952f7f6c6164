import assert from "node:assert/strict";
import { checkName, MAX_MARKS_IN_A_ROW, nameKey } from "./names.ts";

Deno.test("[names] checkName - NFC-normalizes, trims and collapses white space", () => {
  // "한" as three conjoining jamo (NFD) becomes the one precomposed syllable.
  const decomposed = "\u1112\u1161\u11AB\uAE00";
  assert.deepEqual(checkName("room", `  ${decomposed}\t  talk \n`), { ok: true, name: "한글 talk" });
  assert.deepEqual(checkName("nickname", "e\u0301clair"), { ok: true, name: "\u00e9clair" });
});

Deno.test("[names] checkName - refuses control, bidi-override, zero-width and blank filler characters", () => {
  for (
    const bad of [
      "ev\u202Eli",
      "a\u2066b\u2069",
      "zero\u200Bwidth",
      "join\u200Der",
      "b\uFEFFom",
      "bell\u0007",
      "del\u007F",
      "c1\u0085",
      "line\u2028sep",
      "\u3164",
      "mina\u115F",
      "rlm\u200F",
    ]
  ) {
    const check = checkName("nickname", bad);
    assert.equal(check.ok, false, JSON.stringify(bad));
    assert.equal(!check.ok && check.problem, /^\s*$/u.test(bad) ? "empty" : "invisible", JSON.stringify(bad));
  }
});

Deno.test("[names] checkName - bounds combining marks", () => {
  assert.equal(checkName("room", `x${"\u0301".repeat(2000)}`).ok, false);
  assert.equal(checkName("room", "\u0301abc").ok, false);
  const ok = `a${"\u0323\u0302".slice(0, MAX_MARKS_IN_A_ROW)}`;
  assert.equal(checkName("room", ok).ok, true);
  const tower = checkName("room", `x${"\u0301\u0308\u0323".repeat(MAX_MARKS_IN_A_ROW)}`);
  assert.equal(!tower.ok && tower.problem, "marks");
});

Deno.test("[names] checkName - lengths per kind, in code points", () => {
  assert.equal(checkName("nickname", "가".repeat(32)).ok, true);
  assert.equal(checkName("nickname", "가".repeat(33)).ok, false);
  assert.equal(checkName("room", "😀".repeat(64)).ok, true);
  const short = checkName("username", "ab");
  assert.equal(!short.ok && short.problem, "too_short");
  const empty = checkName("nickname", "   ");
  assert.equal(!empty.ok && empty.problem, "empty");
});

Deno.test("[names] checkName - usernames take Hangul and digits, not spaces or symbols", () => {
  assert.deepEqual(checkName("username", "김민아"), { ok: true, name: "김민아" });
  assert.deepEqual(checkName("username", "mina.k_2-x"), { ok: true, name: "mina.k_2-x" });
  for (const bad of ["mina k", "mina@x", "<b>", "a/b"]) {
    const check = checkName("username", bad);
    assert.equal(!check.ok && check.problem, "username_chars", bad);
  }
});

Deno.test("[names] nameKey - one key for one name however it was typed", () => {
  assert.equal(nameKey("Mina"), nameKey("mINA"));
  assert.equal(nameKey("\u1112\u1161\u11AB"), nameKey("한"));
});
