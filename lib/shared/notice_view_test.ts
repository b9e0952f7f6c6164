import assert from "node:assert/strict";
import type { Message, NoticeKey } from "@/lib/shared/protocol.ts";
import { noticeText } from "@/lib/shared/notice_view.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";

const ko = translator("ko").t;
const en = translator("en").t;

Deno.test("[notice_view] noticeText - words each notice in the reader's language", () => {
  const joined = { text: "mina joined", notice: { key: "support.joined" as const, name: "mina" } };
  assert.equal(noticeText(ko, joined), "mina 상담사가 대화에 들어왔어요");
  assert.equal(noticeText(en, joined), "mina joined");
  const closed = { notice: { key: "support.closed" as const, name: "김민아" } };
  assert.equal(noticeText(ko, closed), "김민아 상담사가 대화를 종료했어요");
  assert.equal(noticeText(en, closed), "김민아 closed the conversation");
  const moved = { notice: { key: "support.transferred" as const, name: "mina", to: "jun" } };
  assert.equal(noticeText(ko, moved), "mina 상담사가 jun 상담사에게 대화를 넘겼어요");
  assert.equal(noticeText(en, moved), "mina handed the conversation to jun");
});

Deno.test("[notice_view] noticeText - the stored text when there is no notice it can word", () => {
  assert.equal(noticeText(ko, { text: "Alice joined" }), "Alice joined");
  assert.equal(noticeText(ko, {}), "");
  // A key from a newer build, and a transfer that lost its target: never a raw key or "{to}".
  const unknown = { text: "mina waved", notice: { key: "support.waved" as NoticeKey, name: "mina" } };
  assert.equal(noticeText(ko, unknown), "mina waved");
  const partial: Pick<Message, "text" | "notice"> = {
    text: "mina handed the conversation to jun",
    notice: { key: "support.transferred", name: "mina" },
  };
  assert.equal(noticeText(ko, partial), "mina handed the conversation to jun");
});

Deno.test("[notice_view] noticeText - a name is only filled in, never read as a template", () => {
  const odd = { notice: { key: "support.transferred" as const, name: "{to}", to: "$&" } };
  assert.equal(noticeText(en, odd), "{to} handed the conversation to $&");
});
