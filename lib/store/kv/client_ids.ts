/**
 * clientId idempotency without a row per message: every clientId an author ever stored in a room,
 * append-only, in fixed segments `["clientIds", room, authorId, segment]` (segment 0, 1, 2, …) of up to
 * `SEGMENT_ENTRIES` entries each (16 bytes an entry: the clientId's 64-bit hash and its seq; 512 B
 * full). A commit writes, per author present, only the segment(s) its new entries land in (the last
 * one, rewritten with the new entries after the old; a second when it fills): never an older one, and
 * no segment is ever deleted. Storage: 16 bytes per message, for good.
 *
 * (Until this, `["clientIds", room, authorId]` held a rewritten ring of the last 256 clientIds. Only
 * unreleased code ever wrote it, so nothing migrates it and nothing reads it.)
 *
 * A handle keeps, per (room, author) it touched, the complete history in memory (`History`), loaded
 * on first touch with one list of every segment, and trusted exactly while the room counter it
 * remembers holds: every commit that writes a segment also moves that room's counter and checks the
 * versionstamp it read it at, in the same atomic operation. So a commit whose check passes proves no
 * other writer added to a history of the room since, and one whose check fails writes nothing; the
 * careful path then reads the counter again and brings each history up to date from its last segment
 * (the older ones cannot have changed). A duplicate found in a stale history is still a duplicate (a
 * history only ever names stored messages); a clientId missing from it is checked by the commit's fence.
 */
import { SeqIndex } from "./seq_index.ts";

/** Entries per segment row. */
export const SEGMENT_ENTRIES = 32;
/** Bytes per entry: the clientId's 64-bit hash, then its seq (float64), little-endian. */
const ENTRY = 16;
/** A full segment's bytes. */
export const SEGMENT_BYTES = SEGMENT_ENTRIES * ENTRY;
/** A segment write's share of an atomic operation's bytes: its value and, roughly, its key. */
export const SEGMENT_WRITE_BYTES = SEGMENT_BYTES + 200;

/**
 * The key of one segment of `author`'s history in `room`.
 *
 * @example
 * segmentKey("r1", "u1", 0); // ["clientIds", "r1", "u1", 0]
 */
export function segmentKey(room: string, authorId: string, segment: number): Deno.KvKey {
  return ["clientIds", room, authorId, segment];
}

/**
 * Two independent 32-bit hashes of `text` (FNV-1a and a multiply-xorshift lane), finalized.
 *
 * @example
 * const [a, b] = clientIdHash(clientId);
 */
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

/**
 * One (room, author)'s complete clientId history, as a handle holds it. A clientId is known by its
 * 64-bit hash, not its text (up to 64 characters): two clientIds of one author in one room share a
 * hash with odds of about n / 2^64 per send (n: that author's messages there), which would make the
 * second a "duplicate" of the first.
 */
export interface History {
  /** Seq by hash of every clientId stored. */
  seqs: SeqIndex;
  /** Entries stored: the next one goes to segment `floor(count / SEGMENT_ENTRIES)`. */
  count: number;
  /** The bytes of that segment so far (`count % SEGMENT_ENTRIES` entries), rewritten by the next write. */
  tail: Uint8Array;
}

export const emptyHistory = (): History => ({ seqs: new SeqIndex(), count: 0, tail: new Uint8Array(0) });

/**
 * The seq stored under `clientId`, or undefined.
 *
 * @example
 * historySeq(await loadHistory(kv, room, authorId), clientId); // 12, or undefined
 */
export function historySeq(history: History, clientId: string): number | undefined {
  const [a, b] = clientIdHash(clientId);
  return history.seqs.get(a, b);
}

/** Adds the entries of `bytes` from entry `from` on to `history`'s index. */
function remember(history: History, bytes: Uint8Array, from: number): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let off = from * ENTRY; off < bytes.byteLength; off += ENTRY) {
    history.seqs.set(v.getUint32(off, true), v.getUint32(off + 4, true), v.getFloat64(off + 8, true));
  }
}

/**
 * The segment rows that adding `ids`/`seqs` to `history` writes, and `apply` to call once they are
 * committed (nothing changes before: a failed commit leaves the history as it was).
 *
 * @example
 * const plan = planAppend(emptyHistory(), ["c1"], [1]);
 * // plan.writes: [[0, <16 bytes>]]; after the commit:
 * plan.apply();
 */
export function planAppend(
  history: History,
  ids: string[],
  seqs: number[],
): { writes: [number, Uint8Array][]; apply: () => void } {
  const writes: [number, Uint8Array][] = [];
  let segment = Math.floor(history.count / SEGMENT_ENTRIES);
  let bytes = history.tail;
  let n = 0;
  while (n < ids.length) {
    const room = Math.min(SEGMENT_ENTRIES - bytes.byteLength / ENTRY, ids.length - n);
    const out = new Uint8Array(bytes.byteLength + room * ENTRY);
    out.set(bytes);
    const v = new DataView(out.buffer);
    for (let k = 0; k < room; k++, n++) {
      const off = bytes.byteLength + k * ENTRY;
      const [a, b] = clientIdHash(ids[n]);
      v.setUint32(off, a, true);
      v.setUint32(off + 4, b, true);
      v.setFloat64(off + 8, seqs[n], true);
    }
    writes.push([segment, out]);
    bytes = out;
    if (out.byteLength === SEGMENT_BYTES) {
      segment++;
      bytes = new Uint8Array(0);
    }
  }
  const from = history.tail.byteLength / ENTRY;
  return {
    writes,
    apply() {
      for (const [, out] of writes) remember(history, out, out === writes[0][1] ? from : 0);
      history.count += ids.length;
      history.tail = bytes;
    },
  };
}

/**
 * How many segment rows adding `added` entries writes after a tail of `tail` entries.
 *
 * @example
 * segmentsWritten(31, 2); // 2: the last entry of one segment, the first of the next
 */
export function segmentsWritten(tail: number, added: number): number {
  return added === 0 ? 0 : Math.floor((tail + added - 1) / SEGMENT_ENTRIES) + 1;
}

/**
 * Brings `history` (or a new one) up to what `author`'s segments in `room` hold now: one list from its
 * last segment on (every older one is full and never changes), so a first load reads them all. A list
 * longer than one batch is not one snapshot: a segment read partial and followed by another was filled
 * meanwhile, and is read again.
 *
 * @example
 * const history = await loadHistory(kv, room, authorId);
 */
export async function loadHistory(
  kv: Deno.Kv,
  room: string,
  authorId: string,
  history: History = emptyHistory(),
): Promise<History> {
  for (let again = true; again;) {
    again = false;
    let expect = Math.floor(history.count / SEGMENT_ENTRIES);
    const selector = { prefix: ["clientIds", room, authorId], start: segmentKey(room, authorId, expect) };
    let partial = false;
    for await (const { key, value } of kv.list<Uint8Array>(selector, { batchSize: 1000 })) {
      if (key[3] !== expect) {
        // After a segment read partial, its successor: the batch after it saw a later commit.
        if (partial) again = true;
        else throw new Error(`clientIds of ${authorId} in ${room}: segment ${expect} missing`);
        break;
      }
      const have = history.count - expect * SEGMENT_ENTRIES;
      const entries = value.byteLength / ENTRY;
      if (entries < have) throw new Error(`clientIds of ${authorId} in ${room}: segment ${expect} shrank`);
      remember(history, value, have);
      history.count += entries - have;
      partial = entries < SEGMENT_ENTRIES;
      history.tail = partial ? value.slice() : new Uint8Array(0);
      if (!partial) expect++;
    }
  }
  return history;
}
