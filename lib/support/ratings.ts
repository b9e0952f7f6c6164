/**
 * Ratings: the conversation's own user rates it once, after it is closed (1–5 and an optional
 * comment); counselors see each one on its conversation and every counselor's 30-day average.
 */
import { z } from "zod";
import type { UserRef } from "@/lib/shared/protocol.ts";
import type { Rating } from "@/lib/store/tools.ts";
import type { Session, Store } from "@/lib/store/types.ts";
import { conflict, forbidden, notFound } from "@/lib/web/errors.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import { StoreConflictError } from "@/lib/store/errors.ts";

export const COMMENT_MAX = 1000;
const WINDOW_MS = 30 * 86_400_000;

/** The body of `POST /api/support/:room/rating`; messages are i18n keys. */
export const ratingBody = z.object({
  score: z.number({ error: "console.err.score" }).int("console.err.score").min(1, "console.err.score").max(
    5,
    "console.err.score",
  ),
  comment: z.string({ error: "console.err.comment" }).trim().max(COMMENT_MAX, "console.err.comment")
    .optional(),
});

/**
 * @example
 * await rateSupport(store, session, roomId, { score: 5, comment: "고마워요" });
 */
export async function rateSupport(
  store: Store,
  session: Session,
  room: string,
  input: z.infer<typeof ratingBody>,
): Promise<Rating> {
  const conversation = await store.getSupport(room);
  if (!conversation) throw notFound("console.err.noConversation");
  if (conversation.user.id !== session.userId) throw forbidden("console.err.notYours");
  if (conversation.state !== "closed") throw conflict("console.err.notClosed", "not_closed");
  const rating: Rating = {
    room,
    user: userRefOf(session),
    score: input.score,
    at: new Date().toISOString(),
  };
  if (conversation.counselor) rating.counselor = conversation.counselor;
  if (input.comment) rating.comment = input.comment.normalize("NFC");
  try {
    await store.createRating(rating);
  } catch (error) {
    // Two ratings at once: the store let one through.
    if (error instanceof StoreConflictError) throw conflict("console.err.alreadyRated", error.code);
    throw error;
  }
  return rating;
}

/**
 * What the rating prompt needs: the rating given, and whether the caller may rate now.
 *
 * @example
 * const { rating, canRate } = await ratingState(store, session, roomId);
 */
export async function ratingState(
  store: Store,
  session: Session,
  room: string,
): Promise<{ rating: Rating | null; canRate: boolean }> {
  const conversation = await store.getSupport(room);
  if (!conversation) throw notFound("console.err.noConversation");
  const own = conversation.user.id === session.userId;
  if (!own && session.role !== "counselor") throw forbidden("console.err.notYours");
  const rating = await store.getRating(room);
  return { rating, canRate: own && conversation.state === "closed" && rating === null };
}

export interface CounselorRating {
  counselor: UserRef;
  average: number;
  count: number;
}

/**
 * Each counselor's average score and count over the last 30 days, best average first.
 *
 * @example
 * const lines = await counselorRatings(store);
 */
export async function counselorRatings(store: Store, now = new Date()): Promise<CounselorRating[]> {
  const since = new Date(now.getTime() - WINDOW_MS).toISOString();
  const by = new Map<string, { counselor: UserRef; sum: number; count: number }>();
  for (const r of await store.listRatingsSince(since)) {
    if (!r.counselor) continue;
    const line = by.get(r.counselor.id) ?? { counselor: r.counselor, sum: 0, count: 0 };
    line.sum += r.score;
    line.count++;
    by.set(r.counselor.id, line);
  }
  return [...by.values()].map((l) => ({
    counselor: l.counselor,
    average: Math.round((l.sum / l.count) * 100) / 100,
    count: l.count,
  })).sort((a, b) => b.average - a.average || b.count - a.count);
}
