/**
 * The send limit per user (RATE_BURST, RATE_PER_SECOND) across every socket, tab, isolate and
 * process. Each node keeps one token bucket per user, not per socket, so closing a socket and
 * opening another resets nothing; and every message a node stores reaches the other nodes over the
 * bus anyway (author included), so each node also spends the author's tokens for the messages the
 * others stored. No store read and no extra bus event per message.
 *
 * Not a lock: sends on two nodes closer together than the bus carries a message (about a
 * millisecond) both pass, so a burst spread over N nodes can reach the burst on each; the steady
 * rate holds across them. A dropped bus event only makes the budget more generous, never stricter.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import { type RateDecision, RateLimiter } from "@/lib/hub/rate.ts";

export interface SendLimitOptions {
  burst: number;
  perSecond: number;
  /** Milliseconds; injected by tests. */
  now?: () => number;
}

/** Buckets are swept (full ones forgotten) when the table grows past this many users. */
const SWEEP_AT = 10_000;

/**
 * @example
 * const limit = new SendLimit({ burst: 20, perSecond: 1 });
 * if (limit.take(userId) !== "ok") refuse();
 * limit.charge(messageFromAnotherNode);
 */
export class SendLimit {
  readonly #buckets = new Map<string, RateLimiter>();
  readonly #o: SendLimitOptions;
  #sweepAt = SWEEP_AT;

  constructor(options: SendLimitOptions) {
    this.#o = options;
  }

  /** A send of `userId` on this node: `ok`, `limited` (refuse it) or `abuse` (close the socket). */
  take(userId: string): RateDecision {
    return this.#bucket(userId).take();
  }

  /** A message another node stored: its author's tokens are spent here too. */
  charge(message: Pick<Message, "kind"> & { author: string | { id: string } }): void {
    if (message.kind === "system") return;
    this.#bucket(typeof message.author === "string" ? message.author : message.author.id).spend(1);
  }

  #bucket(userId: string): RateLimiter {
    let bucket = this.#buckets.get(userId);
    if (!bucket) {
      if (this.#buckets.size >= this.#sweepAt) this.#sweep();
      const { burst, perSecond, now } = this.#o;
      this.#buckets.set(userId, bucket = new RateLimiter({ burst, perSecond, now }));
    }
    return bucket;
  }

  /** A full bucket holds nothing worth keeping: forgetting it is the same as a new one. */
  #sweep(): void {
    for (const [user, bucket] of this.#buckets) if (bucket.idle) this.#buckets.delete(user);
    this.#sweepAt = Math.max(SWEEP_AT, this.#buckets.size * 2);
  }
}
