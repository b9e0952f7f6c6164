/** Uploads in progress per user on this isolate: each holds its bytes in memory until stored. */
import { HttpError } from "@/lib/web/errors.ts";

/** One user's uploads in memory at once (with MAX_UPLOAD_BYTES of 10 MiB: at most ~30 MiB held). */
export const UPLOADS_AT_ONCE = 3;

const running = new Map<string, number>();

/**
 * Takes one of the user's upload slots until disposed; 429 when all are taken.
 *
 * @example
 * using _slot = uploadSlot(userId, "Too many uploads");
 */
export function uploadSlot(userId: string, message: string): Disposable {
  const n = running.get(userId) ?? 0;
  if (n >= UPLOADS_AT_ONCE) throw new HttpError(429, "rate_limited", message, { "Retry-After": "5" });
  running.set(userId, n + 1);
  return {
    [Symbol.dispose]() {
      const left = (running.get(userId) ?? 1) - 1;
      if (left > 0) running.set(userId, left);
      else running.delete(userId);
    },
  };
}
