/**
 * Message ids of the KV store that say where their message is. They look and sort like ULIDs (26
 * Crockford base32 characters, the commit time first), but the middle holds the seq:
 *
 *   10 characters of time (ms, 48 bits) · 8 of seq (40 bits) · 8 random (40 bits)
 *
 * so a lookup by id decodes the seq, reads the one chunk holding it and compares the whole id: no
 * `["msgId"]` row per message. The random part keeps ids unguessable (knowing a room, a seq and the
 * millisecond still leaves 2^40 candidates) and unique (two messages share a seq only in two rooms).
 * Ids stored before this (plain ULIDs) decode to some seq whose message has another id: not found
 * here, and the caller falls back to the legacy `["msgId"]` row.
 */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));
/** Seqs up to 2^40 - 1 fit the 8 characters. */
export const MAX_ID_SEQ = 2 ** 40 - 1;

function encode(value: number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/**
 * The time part of ids made at `ms` (once per commit: every message of a commit shares it).
 *
 * @example
 * idTime(Date.now()).length; // 10
 */
export function idTime(ms: number): string {
  return encode(ms, 10);
}

/** 8 random characters for each of `count` ids, from one call to the random source. */
export function idRandoms(count: number): string[] {
  const bytes = crypto.getRandomValues(new Uint8Array(count * 5));
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const b = bytes.subarray(n * 5, n * 5 + 5);
    // 40 bits, 5 at a time.
    const hi = (b[0] << 12) | (b[1] << 4) | (b[2] >> 4);
    const lo = ((b[2] & 15) << 16) | (b[3] << 8) | b[4];
    out.push(encode(hi, 4) + encode(lo, 4));
  }
  return out;
}

/**
 * The id of the message at `seq`, made with `time` (from `idTime`) and `random` (from `idRandoms`).
 *
 * @example
 * const id = messageId(idTime(Date.now()), 42, idRandoms(1)[0]);
 * seqOfId(id); // 42
 */
export function messageId(time: string, seq: number, random: string): string {
  if (!Number.isSafeInteger(seq) || seq < 0 || seq > MAX_ID_SEQ) {
    throw new RangeError(`seq ${seq} out of range`);
  }
  return time + encode(seq, 8) + random;
}

/**
 * The seq an id made by `messageId` carries; `null` when `id` is not 26 Crockford characters. A
 * legacy ULID decodes to a seq too (its random middle): callers compare the stored id.
 *
 * @example
 * seqOfId("not an id"); // null
 */
export function seqOfId(id: string): number | null {
  if (id.length !== 26) return null;
  let seq = 0;
  for (let i = 0; i < 26; i++) {
    const v = VALUE.get(id[i]);
    if (v === undefined) return null;
    if (i >= 10 && i < 18) seq = seq * 32 + v;
  }
  return seq;
}
