import assert from "node:assert/strict";
import { isSingleEmoji, QUICK_REACTIONS } from "./emoji.ts";

Deno.test("[emoji] isSingleEmoji - one emoji grapheme, whatever its code points", () => {
  for (const ok of [...QUICK_REACTIONS, "👍🏽", "👨‍👩‍👧‍👦", "🇰🇷", "1️⃣", "❤", "🏳️‍🌈"]) assert.ok(isSingleEmoji(ok), ok);
});

Deno.test("[emoji] isSingleEmoji - text, two emoji, or emoji with text are refused", () => {
  for (const bad of ["", "a", "1", "ㅋ", "👍👍", "👍 ", " 👍", "ok👍", "\u202E👍", "<b>", "#"]) {
    assert.ok(!isSingleEmoji(bad), JSON.stringify(bad));
  }
});
