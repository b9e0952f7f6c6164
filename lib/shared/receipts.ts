/**
 * Read receipts as the chat shows them, from each member's read mark (user id → seq): in a
 * two-person room (support, or a room of two) the other's "read" mark; in a group "seen by N".
 * Pure and browser-safe.
 */
import type { Message } from "./protocol.ts";

export type Receipt = { kind: "read" } | { kind: "seenBy"; count: number } | null;

/**
 * The receipt of `message` (shown on the user's own messages).
 *
 * @example
 * receiptFor(msg, { bob: 12 }, "alice", true); // { kind: "read" } when bob's mark ≥ msg.seq
 */
export function receiptFor(
  message: Pick<Message, "seq" | "author">,
  reads: Record<string, number>,
  me: string,
  twoPerson: boolean,
): Receipt {
  let count = 0;
  for (const [user, seq] of Object.entries(reads)) {
    if (user !== me && user !== message.author.id && seq >= message.seq) count++;
  }
  if (count === 0) return null;
  return twoPerson ? { kind: "read" } : { kind: "seenBy", count };
}

/**
 * The seq of the last of the user's messages the others have read, so only that one shows the mark.
 *
 * @example
 * lastReadOwn(messages, reads, "alice"); // 41
 */
export function lastReadOwn(messages: readonly Message[], reads: Record<string, number>, me: string): number {
  const others = Object.entries(reads).filter(([u]) => u !== me).map(([, s]) => s);
  const furthest = others.length ? Math.max(...others) : 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.author.id === me && m.seq <= furthest) return m.seq;
  }
  return 0;
}
