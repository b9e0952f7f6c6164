/**
 * A send limit: a token bucket (a burst, then a steady rate) plus an abuse detector
 * that tells the caller to close a connection which keeps sending past the limit (one per user: `send_limit.ts`).
 */

export interface RateLimiterOptions {
  /** Sends allowed at once (the bucket's size). */
  burst: number;
  /** Tokens added back per second. */
  perSecond: number;
  /** Rejected sends within `abuseWindowMs` that count as abuse; default 2 × burst. */
  abuseLimit?: number;
  abuseWindowMs?: number;
  /** Milliseconds; injected by tests. */
  now?: () => number;
}

/** `ok`: go ahead. `limited`: refuse this one. `abuse`: refuse and close the connection. */
export type RateDecision = "ok" | "limited" | "abuse";

/**
 * @example
 * const rate = new RateLimiter({ burst: 20, perSecond: 1 });
 * if (rate.take() !== "ok") refuse();
 */
export class RateLimiter {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #abuseLimit: number;
  readonly #abuseWindowMs: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;
  /** Times of recent rejections, oldest first; never longer than the abuse limit. */
  #rejected: number[] = [];

  constructor(options: RateLimiterOptions) {
    this.#burst = options.burst;
    this.#perMs = options.perSecond / 1000;
    this.#abuseLimit = options.abuseLimit ?? 2 * options.burst;
    this.#abuseWindowMs = options.abuseWindowMs ?? 10_000;
    this.#now = options.now ?? performance.now.bind(performance);
    this.#tokens = options.burst;
    this.#last = this.#now();
  }

  /** Tokens left now (fractional while refilling). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Full and with no recent rejection: the same as a new limiter. */
  get idle(): boolean {
    const newest = this.#rejected.at(-1);
    return this.tokens >= this.#burst && (newest === undefined || this.#now() - newest > this.#abuseWindowMs);
  }

  /**
   * Spends `n` tokens that were used elsewhere (another node), owed if need be, down to minus one
   * burst: a user who sent on two nodes at once waits for the refill of both.
   */
  spend(n: number): void {
    this.#refill();
    this.#tokens = Math.max(-this.#burst, this.#tokens - n);
  }

  /** Spends one token if there is one. */
  take(): RateDecision {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return "ok";
    }
    const now = this.#now();
    while (this.#rejected.length && now - this.#rejected[0] > this.#abuseWindowMs) this.#rejected.shift();
    this.#rejected.push(now);
    if (this.#rejected.length > this.#abuseLimit) return "abuse";
    return "limited";
  }

  #refill() {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
  }
}
