/**
 * Fixed-window counters keyed by a string (an address, a username), for throttling HTTP actions.
 * Kept in memory per isolate: a restart forgets them, which only ever lets a client in sooner.
 */
import { getConnInfo } from "hono/deno";
import type { AppContext } from "@/lib/app_env.ts";
import { HttpError } from "@/lib/errors.ts";

export class Throttle {
  #hits = new Map<string, { count: number; resetAt: number }>();

  constructor(readonly limit: number, readonly windowMs: number, readonly now: () => number = Date.now) {}

  /**
   * Counts one hit for `key`; returns seconds to wait when the window is already full, else 0.
   *
   * @example
   * new Throttle(2, 60_000).hit("1.2.3.4"); // 0
   */
  hit(key: string): number {
    const now = this.now();
    if (this.#hits.size > 10_000) this.#sweep(now);
    const entry = this.#hits.get(key);
    if (!entry || entry.resetAt <= now) {
      this.#hits.set(key, { count: 1, resetAt: now + this.windowMs });
      return 0;
    }
    if (entry.count >= this.limit) return Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
    entry.count++;
    return 0;
  }

  /** Seconds to wait for `key` without counting a hit (checks before work that only failures count). */
  peek(key: string): number {
    const now = this.now();
    const entry = this.#hits.get(key);
    if (!entry || entry.resetAt <= now || entry.count < this.limit) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
  }

  /** Forgets `key` (a successful login clears its failures). */
  reset(key: string): void {
    this.#hits.delete(key);
  }

  #sweep(now: number) {
    for (const [k, v] of this.#hits) if (v.resetAt <= now) this.#hits.delete(k);
  }
}

/** The client's address as the server saw it. */
export function clientAddress(c: AppContext): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * Throws 429 with Retry-After when `key` is over its limit.
 *
 * @example
 * enforce(throttle, clientAddress(c), "Too many new sessions from your address");
 */
export function enforce(throttle: Throttle, key: string, message: string): void {
  const wait = throttle.hit(key);
  if (wait > 0) throw new HttpError(429, "rate_limited", message, { "Retry-After": String(wait) });
}
