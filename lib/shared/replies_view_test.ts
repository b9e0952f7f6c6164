import assert from "node:assert/strict";
import { filterReplies, slashQuery } from "./replies_view.ts";

const replies = [
  { id: "1", title: "Hours", text: "We answer 9 to 6, KST." },
  { id: "2", title: "환불 안내", text: "환불은 7일 이내에 가능해요." },
  { id: "3", title: "Refund (English)", text: "Refunds within 7 days; 환불 policy." },
];

Deno.test("[replies view] filterReplies - titles first, then texts; case-insensitive, Korean alike", () => {
  assert.deepEqual(filterReplies(replies, "환불").map((r) => r.id), ["2", "3"]);
  assert.deepEqual(filterReplies(replies, "REFUND").map((r) => r.id), ["3"]);
  assert.deepEqual(filterReplies(replies, "kst").map((r) => r.id), ["1"]);
  assert.deepEqual(filterReplies(replies, "").map((r) => r.id), ["1", "2", "3"]);
  assert.deepEqual(filterReplies(replies, "nothing"), []);
});

Deno.test("[replies view] slashQuery - only a leading slash on one line", () => {
  assert.equal(slashQuery("/환"), "환");
  assert.equal(slashQuery("/"), "");
  assert.equal(slashQuery("a/b"), null);
  assert.equal(slashQuery("/a\nb"), null);
});
