/**
 * What lets a worker's reads see every acked message while KV is behind the journal: two counters
 * per slot of rooms (a room's slot is a hash of its id), in memory shared by the writer and every
 * worker. The writer adds to `logged` before it acks, and to `applied` once KV holds those messages.
 * A read of a room whose slot has `applied` behind the `logged` it saw waits until KV caught up
 * (one apply, a few milliseconds under load); a quiet room reads at once. Counters wrap at 2^32.
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
 * await view.synced(room);
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
   * Resolves once KV holds every message of `room`'s slot that was logged when it was called;
   * `waiting` is called first if it has to wait (to ask the writer to hurry).
   */
  async synced(room: string, waiting?: () => void): Promise<void> {
    const slot = slotOf(room);
    const target = Atomics.load(this.#logged, slot);
    for (let first = true;; first = false) {
      const now = Atomics.load(this.#applied, slot);
      if (((now - target) | 0) >= 0) return;
      if (first) waiting?.();
      await Atomics.waitAsync(this.#applied, slot, now).value;
    }
  }
}
