/**
 * clientId idempotency without a row per message: `["clientIds", room, authorId]` → the author's
 * last `RING_SIZE` clientIds (hashed) in that room with their seqs, oldest first, rewritten once per commit
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
/** Rings one handle keeps in memory (4 KB each when full). */
const MAX_RINGS = 4096;
/** Bytes per entry: the clientId's 64-bit hash, then its seq (float64), little-endian. */
const ENTRY = 16;

/**
 * A ring as stored: bytes, oldest entry first. A clientId is kept as a 64-bit hash, not its text
 * (up to 64 characters): 4 KB for 256 entries instead of ~12 KB of UUIDs, rewritten on every commit.
 * Two clientIds of one author in one room share a hash with odds about 256 / 2^64 per send.
 */
export type Ring = Uint8Array;

export const EMPTY_RING: Ring = new Uint8Array(0);

/** The key of `author`'s ring in `room`. */
export function ringKey(room: string, authorId: string): Deno.KvKey {
  return ["clientIds", room, authorId];
}

/** Two independent 32-bit hashes of `text` (FNV-1a and a multiply-xorshift lane), finalized. */
export function clientIdHash(text: string): [number, number] {
  let a = 0x811c9dc5, b = 0x9747b28c ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b ^= b >>> 16;
  return [a >>> 0, b >>> 0];
}

const view = (ring: Ring) => new DataView(ring.buffer, ring.byteOffset, ring.byteLength);

/** How many clientIds `ring` holds. */
export function ringLength(ring: Ring): number {
  return ring.byteLength / ENTRY;
}

/** The seq stored under `clientId`, or undefined. Newest first: a resend is usually recent. */
export function ringSeq(ring: Ring, clientId: string): number | undefined {
  const [a, b] = clientIdHash(clientId);
  const v = view(ring);
  for (let off = ring.byteLength - ENTRY; off >= 0; off -= ENTRY) {
    if (v.getUint32(off, true) === a && v.getUint32(off + 4, true) === b) return v.getFloat64(off + 8, true);
  }
  return undefined;
}

/**
 * `ring` with `ids`/`seqs` appended, the oldest dropped past `size`.
 *
 * @example
 * const ring = ringWith(ringWith(EMPTY_RING, ["a"], [1]), ["b"], [2], 1);
 * ringSeq(ring, "a"); // undefined: dropped
 */
export function ringWith(ring: Ring, ids: string[], seqs: number[], size = RING_SIZE): Ring {
  const keep = Math.max(0, Math.min(ringLength(ring), size - ids.length));
  const added = ids.slice(-size);
  const out = new Uint8Array((keep + added.length) * ENTRY);
  out.set(ring.subarray(ring.byteLength - keep * ENTRY));
  const v = view(out);
  const skip = ids.length - added.length;
  added.forEach((id, n) => {
    const off = (keep + n) * ENTRY;
    const [a, b] = clientIdHash(id);
    v.setUint32(off, a, true);
    v.setUint32(off + 4, b, true);
    v.setFloat64(off + 8, seqs[skip + n], true);
  });
  return out;
}

/** An upper bound of a ring's stored size in bytes (for the commit's size budget). */
export function ringBytes(ring: Ring | undefined): number {
  return 64 + (ring ? ring.byteLength : RING_SIZE * ENTRY);
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
