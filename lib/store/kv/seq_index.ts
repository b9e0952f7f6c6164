/**
 * A compact map from a clientId's 64-bit hash (two 32-bit halves) to its seq: open addressing in
 * typed arrays, 16 bytes a slot, kept between 3/8 and 3/4 full, so 21–43 bytes an entry. A `Map` keyed
 * by a 53-bit number measured 62 bytes an entry (a heap number per key, the Map's own entry and
 * table); at a million entries cached per handle that is the difference between ~30 MB and ~60 MB.
 */
export class SeqIndex {
  #a: Uint32Array;
  #b: Uint32Array;
  /** 0 marks an empty slot: seqs start at 1. */
  #seq: Float64Array;
  #size = 0;

  constructor(capacity = 8) {
    this.#a = new Uint32Array(capacity);
    this.#b = new Uint32Array(capacity);
    this.#seq = new Float64Array(capacity);
  }

  /** How many hashes it holds. */
  get size(): number {
    return this.#size;
  }

  /** The slot of (a, b), or the empty slot where it would go. The halves are already well mixed. */
  #slot(a: number, b: number): number {
    const mask = this.#seq.length - 1;
    let i = a & mask;
    while (this.#seq[i] !== 0 && (this.#a[i] !== a || this.#b[i] !== b)) i = (i + 1) & mask;
    return i;
  }

  /**
   * The seq stored under hash (a, b), or undefined.
   *
   * @example
   * const index = new SeqIndex();
   * index.set(1, 2, 7);
   * index.get(1, 2); // 7
   */
  get(a: number, b: number): number | undefined {
    const seq = this.#seq[this.#slot(a, b)];
    return seq === 0 ? undefined : seq;
  }

  /** Stores `seq` (≥ 1) under hash (a, b), replacing what it held. */
  set(a: number, b: number, seq: number): void {
    if ((this.#size + 1) * 4 > this.#seq.length * 3) this.#grow();
    const i = this.#slot(a, b);
    if (this.#seq[i] === 0) this.#size++;
    this.#a[i] = a;
    this.#b[i] = b;
    this.#seq[i] = seq;
  }

  #grow(): void {
    const [a, b, seq] = [this.#a, this.#b, this.#seq];
    this.#a = new Uint32Array(a.length * 2);
    this.#b = new Uint32Array(a.length * 2);
    this.#seq = new Float64Array(a.length * 2);
    for (let i = 0; i < a.length; i++) {
      if (seq[i] === 0) continue;
      const j = this.#slot(a[i], b[i]);
      this.#a[j] = a[i];
      this.#b[j] = b[i];
      this.#seq[j] = seq[i];
    }
  }
}
