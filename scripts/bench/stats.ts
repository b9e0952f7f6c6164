/** A latency histogram small enough to ship between processes: 0.1 ms buckets, sparse when sent. */

const BUCKET_MS = 0.1;
const BUCKETS = 600_000; // up to 60 s; anything slower lands in the last bucket

export class Histogram {
  counts = new Uint32Array(BUCKETS);
  total = 0;
  max = 0;

  add(ms: number): void {
    const i = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[i]++;
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  /** Sparse form: [bucket, count] pairs. */
  toJSON(): { pairs: [number, number][]; max: number } {
    const pairs: [number, number][] = [];
    this.counts.forEach((c, i) => c && pairs.push([i, c]));
    return { pairs, max: this.max };
  }

  merge(sparse: { pairs: [number, number][]; max: number }): void {
    for (const [i, c] of sparse.pairs) this.counts[i] += c, this.total += c;
    this.max = Math.max(this.max, sparse.max);
  }

  /** The latency below which fraction q of samples lie, ms (upper edge of the bucket). */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return (i + 1) * BUCKET_MS;
    }
    return this.max;
  }
}

/** p50/p99/max of plain samples (ms), for the small history series. */
export function summarize(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN, n: s.length };
}

/** Text chunks of a byte stream (TextDecoderStream's types clash with the project's "dom" lib). */
export async function* decode(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const bytes of stream) yield decoder.decode(bytes, { stream: true });
}
