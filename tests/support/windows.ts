/**
 * Throttle windows are fixed (they start at multiples of their length since the epoch), so a test
 * that fills one must not straddle its end, where the count starts again.
 */

/**
 * Waits for the next window when the current one has less than `needMs` left.
 *
 * @example
 * await awaitRoomInWindow(60_000); // then make the 4 requests that cross a limit of 3 a minute
 */
export async function awaitRoomInWindow(windowMs: number, needMs = 10_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  // Fixed wait: the windows follow the server's wall clock, which a test of the real server cannot
  // advance (the throttle's own tests inject a clock instead).
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
