/**
 * One signal for "some test client saw something": every frame, open and close of the test clients
 * (TestSocket, OutboxClient) fires it, so `until` re-checks its condition on events, not on a timer.
 */
let waiting = Promise.withResolvers<void>();

/**
 * Wakes everything awaiting {@link nextChange}.
 *
 * @example
 * ws.onmessage = (e) => { record(e); changed(); };
 */
export function changed(): void {
  const woken = waiting;
  waiting = Promise.withResolvers<void>();
  woken.resolve();
}

/**
 * Resolves at the next {@link changed}.
 *
 * @example
 * while (!done()) await nextChange();
 */
export function nextChange(): Promise<void> {
  return waiting.promise;
}
