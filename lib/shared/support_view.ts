/**
 * Pure queue logic of the counselor console (browser-safe, no server imports): which tab a
 * conversation belongs in, the order of each tab, and how a pushed line merges into what a console
 * already holds, keeping each counselor's own unread count.
 */
import type { SupportSummary, UserRef } from "@/lib/shared/protocol.ts";

export type QueueTab = "waiting" | "mine" | "closed";

/** The tab a line shows in for counselor `me`, or null (another counselor's active chat). */
export function tabOf(line: SupportSummary, me: Pick<UserRef, "id">): QueueTab | null {
  if (line.state === "waiting") return "waiting";
  if (line.state === "closed") return "closed";
  return line.counselor?.id === me.id ? "mine" : null;
}

function activity(line: SupportSummary): string {
  return line.lastMessage?.at ?? line.updatedAt;
}

/**
 * The lines of one tab: Waiting oldest first (first come, first served), the others latest first.
 *
 * @example
 * linesOf(Object.values(queue), "waiting", me);
 */
export function linesOf(lines: SupportSummary[], tab: QueueTab, me: Pick<UserRef, "id">): SupportSummary[] {
  const chosen = lines.filter((line) => tabOf(line, me) === tab);
  const sign = tab === "waiting" ? 1 : -1;
  return chosen.sort((a, b) => sign * (activity(a) < activity(b) ? -1 : activity(a) > activity(b) ? 1 : 0));
}

export interface MergeContext {
  me: Pick<UserRef, "id">;
  /** The conversation open on screen: it is being read, so it has nothing unread. */
  viewing?: string;
}

/**
 * Merges a pushed queue line into the one held. The push's own `unread` is exact only for the
 * counselor in charge; for others, new lines from the user are counted here. Older pushes (by last
 * seq) never overwrite newer state.
 *
 * @example
 * queue[line.room] = mergeLine(queue[line.room], line, { me, viewing });
 */
export function mergeLine(
  held: SupportSummary | undefined,
  pushed: SupportSummary,
  ctx: MergeContext,
): SupportSummary {
  const heldSeq = held?.lastMessage?.seq ?? 0;
  const pushedSeq = pushed.lastMessage?.seq ?? 0;
  if (held && pushedSeq < heldSeq) return held;
  let unread: number;
  if (ctx.viewing === pushed.room) unread = 0;
  else if (!held || pushed.counselor?.id === ctx.me.id) unread = pushed.unread;
  else {
    const fromUser = pushedSeq > heldSeq && pushed.lastMessage?.author.id === pushed.user.id &&
      pushed.lastMessage.kind !== "system";
    unread = held.unread + (fromUser ? 1 : 0);
  }
  return { ...pushed, unread };
}

/**
 * Whether a merge turned a line into a new waiting chat worth an alert: it waits, it has a message
 * from the user, and it was not waiting before.
 */
export function isNewWaiting(held: SupportSummary | undefined, next: SupportSummary): boolean {
  if (next.state !== "waiting" || !next.lastMessage || next.lastMessage.author.id !== next.user.id) {
    return false;
  }
  return !held || held.state !== "waiting";
}
