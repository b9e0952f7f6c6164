/**
 * What one KV handle remembers between appends: per room the counter it last read or wrote (value and
 * versionstamp), and per (room, author) the complete clientId history (client_ids.ts), bounded by
 * entries, least recently used pair dropped first. A dropped pair is loaded again on its next touch:
 * correct, one list slower.
 *
 * A history is trusted ("current") only while the room counter it was read or written at is still
 * the one remembered: reading a counter again (a room first seen, or the careful path after a failed
 * check) starts a new epoch for the room, so every history remembered before is brought up to date
 * before use. A commit of this handle that passed its check keeps the epoch: nobody else wrote in
 * between, so histories current before are current after.
 */
import type { History } from "./client_ids.ts";

/**
 * History entries kept per handle: 21–43 bytes each (seq_index.ts; ~30 measured), so ~30 MB at
 * most, the histories of a few thousand busy authors.
 */
const MAX_ENTRIES = 1_000_000;

/** A room as one handle last read or wrote its counter. */
export interface RoomState {
  seq: number;
  versionstamp: string | null;
  /** Changes whenever the counter is read rather than written by this handle. */
  epoch: number;
}

interface Remembered {
  history: History;
  epoch: number;
  /** The entries counted for the bound (the history may have grown since). */
  entries: number;
}

/**
 * @example
 * const memory = new RoomMemory();
 * memory.read(room, 0, null);
 * memory.put(room, authorId, emptyHistory(), memory.get(room)!.epoch);
 */
export class RoomMemory {
  #rooms = new Map<string, RoomState>();
  /** Least recently used first (a Map keeps insertion order). */
  #pairs = new Map<string, Remembered>();
  #entries = 0;
  #epoch = 0;
  constructor(readonly maxEntries = MAX_ENTRIES) {}

  /** History entries held now. */
  get entries(): number {
    return this.#entries;
  }

  get(room: string): RoomState | undefined {
    return this.#rooms.get(room);
  }

  has(room: string): boolean {
    return this.#rooms.has(room);
  }

  /** A counter just read from the store: histories remembered before are no longer trusted. */
  read(room: string, seq: number, versionstamp: string | null): void {
    this.#rooms.set(room, { seq, versionstamp, epoch: ++this.#epoch });
  }

  /** A counter this handle just wrote, its check passed: the epoch stays. */
  advance(room: string, seq: number, versionstamp: string): void {
    const state = this.#rooms.get(room);
    if (state) Object.assign(state, { seq, versionstamp });
  }

  forget(room: string): void {
    this.#rooms.delete(room);
  }

  /** `author`'s history in `room`, if remembered, and whether it is current. */
  history(room: string, authorId: string): { history: History; current: boolean } | undefined {
    const key = `${room}\u0000${authorId}`;
    const remembered = this.#pairs.get(key);
    if (!remembered) return undefined;
    this.#pairs.delete(key);
    this.#pairs.set(key, remembered);
    return { history: remembered.history, current: remembered.epoch === this.#rooms.get(room)?.epoch };
  }

  /** Remembers `history` as current at `epoch` (the room's, when it was read or committed). */
  put(room: string, authorId: string, history: History, epoch: number): void {
    const key = `${room}\u0000${authorId}`;
    const before = this.#pairs.get(key);
    if (before) this.#entries -= before.entries;
    this.#pairs.delete(key);
    this.#pairs.set(key, { history, epoch, entries: history.count });
    this.#entries += history.count;
    for (const [other, remembered] of this.#pairs) {
      if (this.#entries <= this.maxEntries) return;
      if (other === key) continue;
      this.#entries -= remembered.entries;
      this.#pairs.delete(other);
    }
  }
}
