/**
 * What lets a worker's reads see every acked message while KV is behind the journal: two counters
 * per slot of rooms (a room's slot is a hash of its id), in memory shared by the writer and every
 * worker. The writer adds to `logged` before it acks, and to `applied` once KV holds those messages.
 * A read of a room whose slot is behind asks the writer, over its port, to answer once the room is
 * in KV (journal_append.ts, `synced`: it knows the room's last seq, so a slot shared with a busy
 * room does not hold the read); a quiet room reads at once.
 */
const SLOTS = 4096;

function slotOf(room: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < room.length; i++) h = Math.imul(h ^ room.charCodeAt(i), 0x01000193);
  return (h >>> 0) % SLOTS;
}

/**
 * @example
 * const slots = new JournalSlots();            // the writer's
 * const view = new JournalSlots(slots.buffer); // a worker's, from the buffer posted to it
 * if (view.behind(room)) await askTheWriter(room);
 */
export class JournalSlots {
  readonly buffer: SharedArrayBuffer;
  #logged: Int32Array;
  #applied: Int32Array;
  constructor(buffer = new SharedArrayBuffer(SLOTS * 8)) {
    this.buffer = buffer;
    this.#logged = new Int32Array(buffer, 0, SLOTS);
    this.#applied = new Int32Array(buffer, SLOTS * 4, SLOTS);
  }

  /** The writer: `n` messages of `room` are in the journal, about to be acked. */
  logged(room: string, n: number): void {
    Atomics.add(this.#logged, slotOf(room), n);
  }

  /** The writer: `n` messages of `room` are in KV now. */
  applied(room: string, n: number): void {
    const slot = slotOf(room);
    Atomics.add(this.#applied, slot, n);
    Atomics.notify(this.#applied, slot);
  }

  /**
   * Whether KV may lack a message of `room` that was logged by now: its slot's counters differ. When
   * they do not, KV holds everything acked in the room so far, and a read can go straight to it.
   */
  /** Messages logged and not yet in KV, over every slot. */
  backlog(): number {
    let n = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      n += (Atomics.load(this.#logged, slot) - Atomics.load(this.#applied, slot)) | 0;
    }
    return n;
  }

  behind(room: string): boolean {
    const slot = slotOf(room);
    return Atomics.load(this.#logged, slot) !== Atomics.load(this.#applied, slot);
  }
}
