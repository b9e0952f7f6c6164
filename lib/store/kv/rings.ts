/**
 * clientId idempotency without a row per message: `["clientIds", room, authorId]` → the author's
 * last `RING_SIZE` clientIds in that room with their seqs, oldest first, rewritten once per commit
 * per author present in it. A resend whose original is older than the window (the author stored
 * `RING_SIZE` or more messages in the room after it) is not recognized and makes a new message: see
 * docs/send-path.md ("The clientId window") and docs/limits.md.
 *
 * A handle keeps, per room, the counter it last saw (value and versionstamp) and the rings it read
 * or wrote at that counter (`RoomMemory`). The rings are valid exactly while that counter holds:
 * every commit that writes a ring also moves its room's counter in the same atomic operation, so a
 * commit whose counter check passes proves no other writer touched a ring of the room since, and
 * one whose check fails writes nothing; the room is forgotten, and the careful path reads the
 * counter and the rings again. A duplicate found in a stale ring is still a duplicate (a ring only
 * ever names stored messages); a clientId missing from it is checked by the commit's fence.
 */

/** How many clientIds per (room, author) are remembered. */
export const RING_SIZE = 256;
/** Rings one handle keeps in memory (about 20 KB each when full of UUIDs). */
const MAX_RINGS = 1024;

/** The stored ring, oldest first. */
export interface Ring {
  ids: string[];
  seqs: number[];
}

export const EMPTY_RING: Ring = { ids: [], seqs: [] };

/** The key of `author`'s ring in `room`. */
export function ringKey(room: string, authorId: string): Deno.KvKey {
  return ["clientIds", room, authorId];
}

/** The seq stored under `clientId`, or undefined. */
export function ringSeq(ring: Ring, clientId: string): number | undefined {
  const i = ring.ids.lastIndexOf(clientId);
  return i < 0 ? undefined : ring.seqs[i];
}

/**
 * `ring` with `ids`/`seqs` appended, the oldest dropped past `size`.
 *
 * @example
 * ringWith({ ids: ["a"], seqs: [1] }, ["b"], [2], 1); // { ids: ["b"], seqs: [2] }
 */
export function ringWith(ring: Ring, ids: string[], seqs: number[], size = RING_SIZE): Ring {
  const all = { ids: ring.ids.concat(ids), seqs: ring.seqs.concat(seqs) };
  const cut = all.ids.length - size;
  return cut > 0 ? { ids: all.ids.slice(cut), seqs: all.seqs.slice(cut) } : all;
}

/** An upper bound of a ring's stored size in bytes (for the commit's size budget). */
export function ringBytes(ring: Ring | undefined): number {
  // Unknown: as if full of 64-character clientIds (the protocol's longest).
  if (!ring) return RING_SIZE * 80;
  let bytes = 64;
  for (const id of ring.ids) bytes += id.length + 12;
  return bytes;
}

/** A room as one handle last saw or wrote it. */
export interface RoomState {
  seq: number;
  versionstamp: string | null;
  /** Rings read or written at this counter, by author id. */
  rings: Map<string, Ring>;
}

/**
 * The rooms one handle remembers; rings are dropped room by room, least recently used first, past
 * `maxRings` (the counters stay: they are small).
 *
 * @example
 * const memory = new RoomMemory();
 * memory.set(room, { seq: 0, versionstamp: null, rings: new Map() });
 */
export class RoomMemory {
  #rooms = new Map<string, RoomState>();
  /** Rooms holding rings, least recently used first. */
  #lru = new Set<string>();
  #rings = 0;
  constructor(readonly maxRings = MAX_RINGS) {}

  get(room: string): RoomState | undefined {
    return this.#rooms.get(room);
  }

  has(room: string): boolean {
    return this.#rooms.has(room);
  }

  set(room: string, state: RoomState): void {
    this.forget(room);
    this.#rooms.set(room, state);
    this.#rings += state.rings.size;
    if (state.rings.size) this.#lru.add(room);
    this.#evict(room);
  }

  /** Adds a ring to a remembered room. */
  putRing(room: string, authorId: string, ring: Ring): void {
    const state = this.#rooms.get(room);
    if (!state) return;
    if (!state.rings.has(authorId)) this.#rings++;
    state.rings.set(authorId, ring);
    this.#lru.delete(room);
    this.#lru.add(room);
    this.#evict(room);
  }

  forget(room: string): void {
    const state = this.#rooms.get(room);
    if (!state) return;
    this.#rings -= state.rings.size;
    this.#lru.delete(room);
    this.#rooms.delete(room);
  }

  #evict(keep: string): void {
    for (const room of this.#lru) {
      if (this.#rings <= this.maxRings) return;
      if (room === keep) continue;
      const state = this.#rooms.get(room)!;
      this.#rings -= state.rings.size;
      state.rings = new Map();
      this.#lru.delete(room);
    }
  }
}
