/**
 * Presence I/O of one node: announces local changes on the bus, beats, answers "sync", expires
 * silent nodes, pushes `presence` frames to local readers and live counts to the lobby.
 * The merge rules themselves are in `presence.ts`.
 */
import type { Bus, BusEvent } from "@/lib/bus/types.ts";
import type { Room, Store, Visibility } from "@/lib/store/types.ts";
import type { PresenceMember, UserRef } from "@/lib/shared/protocol.ts";
import { PresenceTable } from "@/lib/hub/presence_table.ts";

export interface HubPresenceOptions {
  node: string;
  bus: Bus;
  store: Store;
  beatMs: number;
  /** A room's merged presence changed; `raw` is the serialized `presence` frame. */
  onChange: (room: string, raw: string) => void;
}

/** Every this many beats each node re-announces all its rooms, repairing dropped presence events. */
const REANNOUNCE_EVERY = 5;

export class HubPresence {
  readonly table: PresenceTable;
  readonly #o: HubPresenceOptions;
  readonly #visibility = new Map<string, Visibility>();
  readonly #countListeners = new Set<() => void>();
  #timer?: ReturnType<typeof setInterval>;
  #beats = 0;
  #lastSync = 0;

  constructor(options: HubPresenceOptions) {
    this.#o = options;
    this.table = new PresenceTable({ ttlMs: options.beatMs * 3 });
  }

  start(): void {
    this.#o.bus.publish({ t: "sync", node: this.#o.node });
    this.#timer = setInterval(() => this.#beat(), this.#o.beatMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#o.bus.publish({ t: "bye", node: this.#o.node });
  }

  learnVisibility(room: Room): void {
    this.#visibility.set(room.id, room.visibility);
  }

  addLocal(room: string, user: UserRef): void {
    if (this.table.addLocal(room, member(user))) this.#localChanged(room);
  }

  removeLocal(room: string, userId: string): void {
    if (this.table.removeLocal(room, userId)) this.#localChanged(room);
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [room, visibility] of this.#visibility) {
      if (visibility === "public") counts[room] = this.table.presence(room).count;
    }
    return counts;
  }

  onCounts(listener: () => void): () => void {
    this.#countListeners.add(listener);
    return () => this.#countListeners.delete(listener);
  }

  onBus(event: BusEvent): void {
    switch (event.t) {
      case "presence":
        if (this.table.applyRemote(event.node, event.room, event.members)) this.#changed(event.room);
        return;
      case "beat": {
        const { changed, missing } = this.table.beat(event.node, event.rooms);
        changed.forEach((room) => this.#changed(room));
        // Ask for a re-announce at most once per beat, however many nodes look incomplete.
        if (missing && Date.now() - this.#lastSync > this.#o.beatMs) {
          this.#lastSync = Date.now();
          this.#o.bus.publish({ t: "sync", node: this.#o.node });
        }
        return;
      }
      case "sync":
        return this.#announceAll();
      case "bye":
        return this.table.dropNode(event.node).forEach((room) => this.#changed(room));
    }
  }

  #beat(): void {
    this.#o.bus.publish({ t: "beat", node: this.#o.node, rooms: this.table.localRooms() });
    if (++this.#beats % REANNOUNCE_EVERY === 0) this.#announceAll();
    this.table.expire().forEach((room) => this.#changed(room));
  }

  #announceAll(): void {
    for (const room of this.table.localRooms()) this.#announce(room);
  }

  #announce(room: string): void {
    this.#o.bus.publish({ t: "presence", node: this.#o.node, room, members: this.table.localMembers(room) });
  }

  #localChanged(room: string): void {
    this.#announce(room);
    this.#changed(room);
  }

  #changed(room: string): void {
    const presence = this.table.presence(room);
    this.#o.onChange(room, JSON.stringify({ type: "presence", room, ...presence }));
    const visibility = this.#visibility.get(room);
    if (visibility === "public") this.#notifyCounts();
    else if (visibility === undefined) this.#lookUp(room);
  }

  /** A room known only from other nodes: learn whether it is public before counting it. */
  #lookUp(room: string): void {
    this.#o.store.getRoom(room).then((r) => {
      if (!r || this.#visibility.has(room)) return;
      this.#visibility.set(room, r.visibility);
      if (r.visibility === "public") this.#notifyCounts();
    }).catch(() => {/* Counted on the next change. */});
  }

  #notifyCounts(): void {
    for (const listener of this.#countListeners) listener();
  }
}

function member(user: UserRef): PresenceMember {
  return { id: user.id, name: user.name, role: user.role };
}
