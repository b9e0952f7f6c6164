/**
 * Presence across nodes (isolates and processes). Each node counts its own sockets per room and per
 * user; other nodes' members arrive over the bus as full lists ("presence" events) and are kept
 * until that node says something new, says "bye", or stays silent past the TTL (it died without a
 * goodbye). The merged view counts distinct user ids. Pure logic: the hub does the I/O.
 */
import type { Presence, PresenceMember } from "@/lib/shared/protocol.ts";

interface RemoteNode {
  lastSeen: number;
  rooms: Map<string, PresenceMember[]>;
}

export interface PresenceTableOptions {
  /** A remote node silent for this long is dropped. */
  ttlMs: number;
  now?: () => number;
}

/**
 * @example
 * const table = new PresenceTable({ ttlMs: 6000 });
 * table.addLocal("room1", { id: "u1", name: "mina", role: "guest" }); // true: changed
 * table.presence("room1"); // { count: 1, members: [...] }
 */
export class PresenceTable {
  /** room → user id → [member, socket count]. */
  readonly #local = new Map<string, Map<string, { member: PresenceMember; sockets: number }>>();
  readonly #remote = new Map<string, RemoteNode>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: PresenceTableOptions) {
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  /** One more local socket of `member` in `room`; true when the user is new here (announce it). */
  addLocal(room: string, member: PresenceMember): boolean {
    let users = this.#local.get(room);
    if (!users) this.#local.set(room, users = new Map());
    const entry = users.get(member.id);
    if (entry) {
      entry.sockets++;
      return false;
    }
    users.set(member.id, { member, sockets: 1 });
    return true;
  }

  /** One local socket fewer; true when the user left this node's view of the room. */
  removeLocal(room: string, userId: string): boolean {
    const users = this.#local.get(room);
    const entry = users?.get(userId);
    if (!users || !entry) return false;
    if (--entry.sockets > 0) return false;
    users.delete(userId);
    if (users.size === 0) this.#local.delete(room);
    return true;
  }

  localMembers(room: string): PresenceMember[] {
    return [...(this.#local.get(room)?.values() ?? [])].map((e) => e.member);
  }

  localRooms(): string[] {
    return [...this.#local.keys()];
  }

  /** A node's full member list for a room; returns true when the merged view may have changed. */
  applyRemote(node: string, room: string, members: PresenceMember[]): boolean {
    const remote = this.#touch(node);
    const before = remote.rooms.get(room);
    if (members.length === 0) remote.rooms.delete(room);
    else remote.rooms.set(room, members);
    return !sameMembers(before ?? [], members);
  }

  /**
   * A node's beat names the rooms where it has members: rooms it no longer names are cleared (their
   * last presence event may have been dropped). Returns the changed rooms and whether the node is
   * unknown or names rooms we hold nothing for (then ask it to re-announce with "sync").
   */
  beat(node: string, rooms: string[]): { changed: string[]; missing: boolean } {
    const known = this.#remote.has(node);
    const remote = this.#touch(node);
    const named = new Set(rooms);
    const changed: string[] = [];
    for (const room of [...remote.rooms.keys()]) {
      if (!named.has(room)) {
        remote.rooms.delete(room);
        changed.push(room);
      }
    }
    return { changed, missing: !known || rooms.some((r) => !remote.rooms.has(r)) };
  }

  /** Forgets a node (it said "bye"); returns the rooms whose view changed. */
  dropNode(node: string): string[] {
    const remote = this.#remote.get(node);
    this.#remote.delete(node);
    return remote ? [...remote.rooms.keys()] : [];
  }

  /** Drops nodes silent past the TTL; returns the rooms whose view changed. */
  expire(): string[] {
    const cutoff = this.#now() - this.#ttlMs;
    const changed: string[] = [];
    for (const [node, remote] of this.#remote) {
      if (remote.lastSeen < cutoff) changed.push(...this.dropNode(node));
    }
    return changed;
  }

  /** Merged presence of a room: distinct users across every node, sorted by name for stable output. */
  presence(room: string): Presence {
    const byId = new Map<string, PresenceMember>();
    for (const m of this.localMembers(room)) byId.set(m.id, m);
    for (const remote of this.#remote.values()) {
      for (const m of remote.rooms.get(room) ?? []) if (!byId.has(m.id)) byId.set(m.id, m);
    }
    const members = [...byId.values()].sort((a, b) =>
      a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
    );
    return { count: members.length, members };
  }

  /** Every room with anyone present anywhere. */
  rooms(): string[] {
    const all = new Set(this.#local.keys());
    for (const remote of this.#remote.values()) for (const room of remote.rooms.keys()) all.add(room);
    return [...all];
  }

  #touch(node: string): RemoteNode {
    let remote = this.#remote.get(node);
    if (!remote) this.#remote.set(node, remote = { lastSeen: 0, rooms: new Map() });
    remote.lastSeen = this.#now();
    return remote;
  }
}

function sameMembers(a: PresenceMember[], b: PresenceMember[]): boolean {
  if (a.length !== b.length) return false;
  const ids = new Set(a.map((m) => m.id));
  return b.every((m) => ids.has(m.id));
}
