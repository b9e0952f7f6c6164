/**
 * How a system line reads (browser-safe): its notice worded by the reader's catalog, or, for lines
 * stored before notices and keys this build does not know, the stored English text.
 */
import type { Message, NoticeKey } from "@/lib/shared/protocol.ts";
import type { MessageKey, Params, Translator } from "@/lib/shared/i18n/mod.ts";

/** Protocol keys stay fixed in stored data; the catalog's may be renamed, so they are mapped here. */
const NOTICE_MESSAGES: Record<NoticeKey, MessageKey> = {
  "support.joined": "support.notice.joined",
  "support.closed": "support.notice.closed",
  "support.transferred": "support.notice.transferred",
};

/**
 * The words of a system line in the language of `t`.
 *
 * @example
 * noticeText(translator("ko").t, message); // "mina 상담사가 대화에 들어왔어요"
 */
export function noticeText(t: Translator["t"], message: Pick<Message, "text" | "notice">): string {
  const notice = message.notice;
  if (!notice || !Object.hasOwn(NOTICE_MESSAGES, notice.key)) return message.text ?? "";
  // A transfer without its new counselor would read "to {to}": the stored text says it better.
  if (notice.key === "support.transferred" && !notice.to) return message.text ?? "";
  const params: Params = { name: notice.name };
  if (notice.to) params.to = notice.to;
  return t(NOTICE_MESSAGES[notice.key], params);
}
