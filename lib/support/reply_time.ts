/**
 * "A counselor usually replies within N minutes": N is the median time from a visitor's first
 * message to the first counselor reply over the latest conversations, read from the store (so every
 * node says the same) and kept for a minute.
 */
import type { Store } from "@/lib/store/types.ts";

/** How many of the most recently updated conversations the figure is taken from. */
const SAMPLE = 20;
const CACHE_MS = 60_000;

/**
 * The first-reply times (ms) of the latest conversations that have had a reply.
 *
 * @example
 * const times = await firstReplyTimes(store); // [42000, 180000]
 */
export async function firstReplyTimes(store: Store, sample = SAMPLE): Promise<number[]> {
  const latest = (await store.listSupport()).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
    .slice(0, sample);
  const times = await Promise.all(latest.map(async (conversation) => {
    const messages = await store.listMessages(conversation.room, { after: 0, limit: 100 });
    const asked = messages.find((m) => m.author.id === conversation.user.id && m.kind !== "system");
    const answered = asked &&
      messages.find((m) => m.seq > asked.seq && m.author.role === "counselor" && m.kind !== "system");
    return answered ? Date.parse(answered.at) - Date.parse(asked.at) : undefined;
  }));
  return times.filter((t): t is number => t !== undefined && t >= 0);
}

/**
 * Whole minutes (at least 1) of the median first reply, or undefined with no replies yet.
 *
 * @example
 * medianMinutes([30_000, 200_000, 400_000]); // 4
 */
export function medianMinutes(times: number[]): number | undefined {
  if (times.length === 0) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Math.max(1, Math.ceil(median / 60_000));
}

/**
 * A cached reader of the typical reply time.
 *
 * @example
 * const replyMinutes = replyTimeReader(store);
 * await replyMinutes(); // 3
 */
export function replyTimeReader(
  store: Store,
  now: () => number = Date.now,
): () => Promise<number | undefined> {
  let cached: { at: number; minutes: Promise<number | undefined> } | undefined;
  return () => {
    if (!cached || now() - cached.at > CACHE_MS) {
      const minutes = firstReplyTimes(store).then(medianMinutes);
      cached = { at: now(), minutes };
      minutes.catch(() => (cached = undefined));
    }
    return cached.minutes;
  };
}
