import assert from "node:assert/strict";
import { addText, decodeBits, grams, mayContain } from "./search_index.ts";

Deno.test("[search index] grams - lowercased characters and pairs, Hangul alike", () => {
  assert.deepEqual(grams("Ab환"), ["a", "b", "환", "ab", "b환"]);
});

Deno.test("[search index] mayContain - never a false no; mostly a true no", () => {
  const bits = decodeBits(null);
  const texts = ["데이터 분석 과정 환불 문의", "Is the DATA course (2027) open?", "수강료가 궁금해요"];
  for (const t of texts) addText(bits, t);
  for (const t of texts) {
    for (let i = 0; i < t.length; i++) {
      for (let j = i + 1; j <= t.length; j++) assert.ok(mayContain(bits, t.slice(i, j)), t.slice(i, j));
    }
  }
  assert.ok(mayContain(bits, "DATA COURSE"));
  const absent = ["zebra", "환불금액", "취소 요청", "certificate", "부트캠프"];
  assert.ok(absent.filter((t) => mayContain(bits, t)).length <= 1);
});
