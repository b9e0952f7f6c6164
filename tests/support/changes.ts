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

/**
 * Resolves once `done()` holds, checking it after every frame, open or close of a test client
 * (see {@link changed}); throws after `ms`, naming `what`.
 */
export async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), ms);
  });
  try {
    while (!done()) {
      if ((await Promise.race([nextChange(), expired])) === "expired" && !done()) {
        throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
