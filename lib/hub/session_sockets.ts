/**
 * Sockets per session across every node of a deployment (MAX_SOCKETS_PER_SESSION). The kernel
 * spreads one browser's sockets over the isolates of `deno serve --parallel`, so each node counts
 * its own, tells the others when a count changes (once per event-loop turn, however many changed), and
 * repeats its whole table every few beats, which repairs an event the bus dropped. A node that
 * has gone silent for longer than the TTL no longer counts.
 *
 * Sessions travel as a hash of their id: the bus (Redis, possibly shared) never carries a live
 * session token. The count is not a lock: opens on two nodes closer together than the bus carries a
 * count (about a millisecond) do not see each other, so a burst can reach the limit on each node.
 */
import { createHash } from "node:crypto";
import { clearImmediate, setImmediate } from "node:timers";
import type { Bus, BusEvent } from "@/lib/bus/types.ts";

export interface SessionSocketsOptions {
  node: string;
  bus: Bus;
  /** A node unheard of for this long is left out of the totals. */
  ttlMs: number;
  /** How often the whole local table is repeated. */
  fullEveryMs: number;
  now?: () => number;
}

interface NodeCounts {
  heardAt: number;
  counts: Map<string, number>;
}

/**
 * The bus form of a session id.
 *
 * @example
 * sessionKey(session.id); // "3q2-7wE…" (22 characters)
 */
export function sessionKey(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("base64url").slice(0, 22);
}

/**
 * @example
 * const sockets = new SessionSockets({ node, bus, ttlMs: 6_000, fullEveryMs: 10_000 });
 * sockets.setLocal(sessionKey(session.id), 2);
 * if (sockets.total(sessionKey(session.id)) > limit) refuse();
 */
export class SessionSockets {
  readonly #o: SessionSocketsOptions;
  readonly #now: () => number;
  readonly #local = new Map<string, number>();
  readonly #remote = new Map<string, NodeCounts>();
  #dirty = new Set<string>();
  #flushImmediate?: ReturnType<typeof setImmediate>;
  #fullTimer?: ReturnType<typeof setInterval>;

  constructor(options: SessionSocketsOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#fullTimer = setInterval(() => this.announceAll(), this.#o.fullEveryMs);
  }

  stop(): void {
    clearInterval(this.#fullTimer);
    clearImmediate(this.#flushImmediate);
    this.#flushImmediate = undefined;
  }

  /** The sockets a session holds on this node and on every node heard from lately. */
  total(key: string): number {
    let total = this.#local.get(key) ?? 0;
    const now = this.#now();
    for (const [node, remote] of this.#remote) {
      if (now - remote.heardAt > this.#o.ttlMs) this.#remote.delete(node);
      else total += remote.counts.get(key) ?? 0;
    }
    return total;
  }

  /** This node now holds `count` sockets of the session (0: none). */
  setLocal(key: string, count: number): void {
    if (count > 0) this.#local.set(key, count);
    else this.#local.delete(key);
    this.#changed(key);
  }

  /** Repeats this node's whole table; it replaces what the others held for this node. */
  announceAll(): void {
    this.#dirty.clear();
    this.#o.bus.publish({
      t: "sockets",
      node: this.#o.node,
      counts: Object.fromEntries(this.#local),
      full: true,
    });
  }

  onBus(event: BusEvent): void {
    switch (event.t) {
      case "sockets": {
        let remote = this.#remote.get(event.node);
        if (!remote || event.full) this.#remote.set(event.node, remote = { heardAt: 0, counts: new Map() });
        remote.heardAt = this.#now();
        for (const [key, count] of Object.entries(event.counts)) {
          if (count > 0) remote.counts.set(key, count);
          else remote.counts.delete(key);
        }
        return;
      }
      case "beat": {
        const remote = this.#remote.get(event.node);
        if (remote) remote.heardAt = this.#now();
        return;
      }
      case "sync":
        return this.announceAll();
      case "bye":
        this.#remote.delete(event.node);
        return;
    }
  }

  #changed(key: string): void {
    this.#dirty.add(key);
    // One event per event-loop turn: a burst of opens must not flood the bus (BroadcastChannel drops
    // on lag). Not setTimeout(0), which waits ~2 ms: the sooner the others know, the smaller the race.
    this.#flushImmediate ??= setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushImmediate = undefined;
    if (this.#dirty.size === 0) return;
    const counts = Object.fromEntries([...this.#dirty].map((key) => [key, this.#local.get(key) ?? 0]));
    this.#dirty = new Set();
    this.#o.bus.publish({ t: "sockets", node: this.#o.node, counts });
  }
}
