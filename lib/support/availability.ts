/**
 * Whether a counselor is there, true across every node: a counselor is available while at least one
 * of their console tabs holds a WebSocket on any node and they have not set themselves away. Each
 * node counts its own console sockets and tells the others its whole list on every change and on a
 * beat; a node silent for three beats (it crashed, or the bus lost it) no longer counts. A tab that
 * vanished without a close frame leaves when Deno's idle timeout drops its socket (ws.ts: 30 s).
 * "Away" is kept in the store and then told over the bus, so a node started later, or restarted,
 * reads it at start ({@link Availability.ready}) instead of showing an away counselor as there.
 */
import type { Bus, BusEvent, ConsoleCounselor } from "@/lib/bus/types.ts";
import type { Session, Store } from "@/lib/store/types.ts";

/** The part of the store that keeps the away flags. */
export type AwayStore = Pick<Store, "setCounselorAway" | "listAwayCounselors">;

export interface AvailabilityOptions {
  node: string;
  bus: Bus;
  store: AwayStore;
  /** Beat interval; a node unheard of for 3 beats is dropped. Default 2000 ms. */
  beatMs?: number;
  now?: () => number;
}

/** What the widget and `/support` show. */
export interface AvailabilityView {
  available: boolean;
  /** Counselors available now. */
  counselors: number;
}

interface Remote {
  heardAt: number;
  counselors: ConsoleCounselor[];
}

/**
 * @example
 * const availability = new Availability({ node: hub.nodeId, bus, store });
 * await availability.ready; // the stored away flags are in
 * availability.track(socket, session); // a counselor's console tab
 * availability.view(); // { available: true, counselors: 1 }
 */
export class Availability {
  readonly #o: Required<AvailabilityOptions>;
  /** Local console sockets per counselor id. */
  readonly #local = new Map<string, { name: string; sockets: Set<EventTarget> }>();
  readonly #remote = new Map<string, Remote>();
  readonly #away = new Map<string, boolean>();
  readonly #listeners = new Set<(view: AvailabilityView) => void>();
  #beat?: ReturnType<typeof setInterval>;
  #expiry?: ReturnType<typeof setInterval>;
  #last = "";
  readonly #off: () => void;
  /** Settles once the stored away flags are read; rejects when the store could not be read. */
  readonly ready: Promise<void>;

  constructor(options: AvailabilityOptions) {
    this.#o = { beatMs: 2_000, now: Date.now, ...options };
    this.#off = this.#o.bus.subscribe((event) => this.#onBus(event));
    // A node that starts late hears the others' lists at once rather than after a beat.
    this.#o.bus.publish({ t: "sync", node: this.#o.node });
    this.ready = this.#load();
    // Whoever awaits `ready` sees the failure; nobody awaiting it must not crash the isolate.
    this.ready.catch(() => {});
  }

  /** Counts `socket` (a WebSocket: anything with a "close" event) as one of `session`'s console tabs until it closes. */
  track(socket: EventTarget, session: Session): void {
    if (session.role !== "counselor") return;
    let entry = this.#local.get(session.userId);
    if (!entry) this.#local.set(session.userId, entry = { name: session.name, sockets: new Set() });
    entry.sockets.add(socket);
    socket.addEventListener("close", () => {
      entry.sockets.delete(socket);
      if (entry.sockets.size === 0 && this.#local.get(session.userId) === entry) {
        this.#local.delete(session.userId);
      }
      this.#changed();
    }, { once: true });
    this.#changed();
  }

  /** Sets a counselor away (or back) in the store, then on every node. */
  async setAway(counselorId: string, away: boolean): Promise<void> {
    await this.#o.store.setCounselorAway(counselorId, away);
    this.#away.set(counselorId, away);
    this.#o.bus.publish({ t: "counselor-away", id: counselorId, away });
    this.#changed();
  }

  isAway(counselorId: string): boolean {
    return this.#away.get(counselorId) ?? false;
  }

  /** The counselors with a console open anywhere, each once. */
  counselors(): ConsoleCounselor[] {
    const now = this.#o.now();
    const all = new Map<string, ConsoleCounselor>();
    for (const [node, remote] of this.#remote) {
      if (now - remote.heardAt > this.#o.beatMs * 3) {
        this.#remote.delete(node);
        continue;
      }
      for (const c of remote.counselors) all.set(c.id, { ...c, away: this.#away.get(c.id) ?? c.away });
    }
    for (const [id, entry] of this.#local) all.set(id, { id, name: entry.name, away: this.isAway(id) });
    return [...all.values()];
  }

  view(): AvailabilityView {
    const counselors = this.counselors().filter((c) => !c.away).length;
    return { available: counselors > 0, counselors };
  }

  /** Calls `fn` whenever the view changes; returns the unsubscribe function. */
  onChange(fn: (view: AvailabilityView) => void): () => void {
    this.#listeners.add(fn);
    // Only someone listening needs to hear that a silent node expired.
    this.#expiry ??= setInterval(() => this.#notify(), this.#o.beatMs);
    return () => {
      this.#listeners.delete(fn);
      if (this.#listeners.size === 0) {
        clearInterval(this.#expiry);
        this.#expiry = undefined;
      }
    };
  }

  close(): void {
    clearInterval(this.#beat);
    clearInterval(this.#expiry);
    this.#beat = this.#expiry = undefined;
    if (this.#local.size > 0) this.#o.bus.publish({ t: "counselors", node: this.#o.node, counselors: [] });
    this.#off();
  }

  async #load(): Promise<void> {
    const stored = await this.#o.store.listAwayCounselors();
    // A flag heard on the bus meanwhile was published after its store write: it is the newer one.
    for (const id of stored) if (!this.#away.has(id)) this.#away.set(id, true);
    if (this.#local.size > 0) this.#announce();
    this.#notify();
  }

  #mine(): ConsoleCounselor[] {
    return [...this.#local].map(([id, e]) => ({ id, name: e.name, away: this.isAway(id) }));
  }

  #announce(): void {
    this.#o.bus.publish({ t: "counselors", node: this.#o.node, counselors: this.#mine() });
  }

  #changed(): void {
    this.#announce();
    // Beats only while this node has console tabs: an idle node runs no timer.
    if (this.#local.size > 0) this.#beat ??= setInterval(() => this.#announce(), this.#o.beatMs);
    else {
      clearInterval(this.#beat);
      this.#beat = undefined;
    }
    this.#notify();
  }

  #notify(): void {
    const view = this.view();
    const key = JSON.stringify(view);
    if (key === this.#last) return;
    this.#last = key;
    for (const fn of [...this.#listeners]) fn(view);
  }

  #onBus(event: BusEvent): void {
    switch (event.t) {
      case "counselors":
        if (event.counselors.length === 0) this.#remote.delete(event.node);
        else this.#remote.set(event.node, { heardAt: this.#o.now(), counselors: event.counselors });
        return this.#notify();
      case "counselor-away":
        this.#away.set(event.id, event.away);
        if (this.#local.has(event.id)) this.#announce();
        return this.#notify();
      case "sync":
        if (this.#local.size > 0) this.#announce();
        return;
      case "bye":
        this.#remote.delete(event.node);
        return this.#notify();
    }
  }
}
