/** Saved replies as the composer offers them: typing `/` and then any part of a title or text. */

export interface ReplyView {
  id: string;
  title: string;
  text: string;
}

/** Replies the menu shows at most. */
export const MENU_SIZE = 8;

/**
 * The replies whose title or text contains `query` (case-insensitive, Korean alike), titles first.
 *
 * @example
 * filterReplies(replies, "환불"); // [{ title: "환불 안내", … }]
 */
export function filterReplies(replies: ReplyView[], query: string): ReplyView[] {
  const q = query.trim().normalize("NFC").toLowerCase();
  if (!q) return replies.slice(0, MENU_SIZE);
  const inTitle = replies.filter((r) => r.title.toLowerCase().includes(q));
  const inText = replies.filter((r) => !inTitle.includes(r) && r.text.toLowerCase().includes(q));
  return [...inTitle, ...inText].slice(0, MENU_SIZE);
}

/** The query when the composer holds a `/` command (a slash first, no line break), else null. */
export function slashQuery(text: string): string | null {
  return text.startsWith("/") && !text.includes("\n") ? text.slice(1) : null;
}
