/**
 * Fixed-window counters keyed by a string (an address, a username), for throttling HTTP actions.
 * The counts live in the store (`bumpCounter` and friends), so a limit holds across the isolates of
 * `deno serve --parallel`, across processes on one database, and across restarts. Windows start at
 * multiples of their length since the epoch, so every process agrees on them.
 */
import type { Store } from "@/lib/store/types.ts";
import { HttpError } from "@/lib/web/errors.ts";

/** What a throttle needs of the store. */
export type Counters = Pick<Store, "bumpCounter" | "readCounter" | "clearCounter">;

/** A counter outlives its window a little, for clocks of different processes that differ slightly. */
const EXPIRY_SLACK_MS = 5_000;

export class Throttle {
  /**
   * @param scope names the action; counter ids are `<scope>:<key>:<window index>`.
   * @param now the clock (tests inject one); the store expires counters on its own clock.
   */
  constructor(
    readonly counters: Counters,
    readonly scope: string,
    readonly limit: number,
    readonly windowMs: number,
    readonly now: () => number = Date.now,
  ) {}

  #window(key: string) {
    const now = this.now();
    const index = Math.floor(now / this.windowMs);
    const left = (index + 1) * this.windowMs - now;
    return { id: `${this.scope}:${key}:${index}`, left, wait: Math.max(1, Math.ceil(left / 1000)) };
  }

  /**
   * Counts one hit for `key`; returns seconds to wait when the window was already full, else 0.
   *
   * @example
   * await new Throttle(store, "guest", 2, 60_000).hit("1.2.3.4"); // 0
   */
  async hit(key: string): Promise<number> {
    const { id, left, wait } = this.#window(key);
    const count = await this.counters.bumpCounter(id, Date.now() + left + EXPIRY_SLACK_MS);
    return count > this.limit ? wait : 0;
  }

  /**
   * Seconds to wait for `key` without counting a hit (checks before work that only failures count).
   *
   * @example
   * if (await throttle.peek(address) > 0) throw tooMany();
   */
  async peek(key: string): Promise<number> {
    const { id, wait } = this.#window(key);
    return (await this.counters.readCounter(id)) >= this.limit ? wait : 0;
  }

  /**
   * Forgets `key`'s hits in the current window (a successful login clears its failures).
   *
   * @example
   * await throttle.reset(username);
   */
  async reset(key: string): Promise<void> {
    await this.counters.clearCounter(this.#window(key).id);
  }
}

/** The trusted client address (see `lib/web/origin.ts`). */
export { clientAddress } from "@/lib/web/origin.ts";

/**
 * Counts a hit; throws 429 with Retry-After when `key` is over its limit.
 *
 * @example
 * await enforce(throttle, clientAddress(c), "Too many new sessions from your address");
 */
export async function enforce(throttle: Throttle, key: string, message: string): Promise<void> {
  const wait = await throttle.hit(key);
  if (wait > 0) throw new HttpError(429, "rate_limited", message, { "Retry-After": String(wait) });
}
