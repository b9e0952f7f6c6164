/**
 * Deadlines for many short waits at once (store appends) with one timer: a `setTimeout` per message
 * was a timer armed and cleared on every send. Waits are kept in the order they began, so a sweep
 * stops at the first one still in time.
 */

interface Wait {
  at: number;
  expire: () => void;
}

/**
 * @example
 * const deadlines = new Deadlines(15_000);
 * const done = deadlines.add(() => answerUnavailable());
 * await work; done(); // not expired: its callback will never run
 */
export class Deadlines {
  readonly #waits = new Set<Wait>();
  readonly #sweepMs: number;
  #timer?: ReturnType<typeof setInterval>;

  constructor(readonly ms: number) {
    // A wait expires at most a quarter of its bound late (and never later than 250 ms).
    this.#sweepMs = Math.max(5, Math.min(250, ms / 4));
  }

  /** Starts a wait; `expire` runs once if `done` is not called within `ms`. */
  add(expire: () => void): () => void {
    const wait = { at: performance.now() + this.ms, expire };
    this.#waits.add(wait);
    this.#timer ??= setInterval(() => this.#sweep(), this.#sweepMs);
    return () => void this.#waits.delete(wait);
  }

  /** Stops the timer; waits still open never expire. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#waits.clear();
  }

  #sweep(): void {
    const now = performance.now();
    for (const wait of this.#waits) {
      if (wait.at > now) break;
      this.#waits.delete(wait);
      wait.expire();
    }
    if (this.#waits.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
