/**
 * The counselors' queue: one line per conversation with its last message and the reader's unread
 * count (from read marks), built for the console's first paint and for each `{type:"support"}` push.
 */
import type { Message, SupportState, SupportSummary } from "@/lib/shared/protocol.ts";
import type { Session, Store, SupportConversation } from "@/lib/store/types.ts";
import { forbidden } from "@/lib/web/errors.ts";
import { listVisibleMessages } from "@/lib/store/visible.ts";

/** Unread counts stop here; the console shows "99+". */
const UNREAD_SCAN = 100;
/** The queue lists at most this many closed conversations (the latest). */
const CLOSED_SHOWN = 100;

/**
 * One queue line: the conversation, its last message and how many of the user's messages `readerId`
 * has not seen (capped at 100).
 */
export async function summarize(
  store: Store,
  conversation: SupportConversation,
  readerId?: string,
  lastMessage?: Message,
): Promise<SupportSummary> {
  // Never a note: queue lines reach the conversation's user too.
  const last = lastMessage ??
    (await listVisibleMessages(store, conversation.room, { limit: 1 }, "user")).at(-1);
  const mark = readerId ? await store.getReadMark(conversation.room, readerId) : 0;
  const after = last && last.seq > mark
    ? await store.listMessages(conversation.room, { after: mark, limit: UNREAD_SCAN })
    : [];
  const summary: SupportSummary = {
    room: conversation.room,
    user: conversation.user,
    state: conversation.state,
    unread: after.filter((m) => m.author.id === conversation.user.id && m.kind !== "system").length,
    updatedAt: last && last.at > conversation.updatedAt ? last.at : conversation.updatedAt,
  };
  if (conversation.counselor) summary.counselor = conversation.counselor;
  if (conversation.offline) summary.offline = true;
  if (last) summary.lastMessage = last;
  const rating = conversation.state === "closed" ? await store.getRating(conversation.room) : null;
  if (rating) {
    summary.rating = rating.comment
      ? { score: rating.score, comment: rating.comment }
      : { score: rating.score };
  }
  return summary;
}

/**
 * The counselors' queue, optionally of one state, with unread counts for `session`'s counselor.
 * Conversations nobody has written in yet are left out, and only the latest 100 closed ones come.
 *
 * @example
 * const waiting = await listQueue(store, session, "waiting");
 */
export async function listQueue(
  store: Store,
  session: Session,
  state?: SupportState,
): Promise<SupportSummary[]> {
  if (session.role !== "counselor") throw forbidden("Counselors only");
  const all = await store.listSupport(state);
  // Closed conversations pile up forever: only the latest ones come with the queue.
  const closed = all.filter((c) => c.state === "closed").sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
  const conversations = [...all.filter((c) => c.state !== "closed"), ...closed.slice(0, CLOSED_SHOWN)];
  const lines = await Promise.all(conversations.map((c) => summarize(store, c, session.userId)));
  return lines.filter((line) => line.lastMessage !== undefined);
}
