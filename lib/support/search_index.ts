/**
 * The search filters of support conversations: per conversation a Bloom filter (8,192 bits, two
 * hashes) of the lowercased characters and character pairs of its messages. A search text whose
 * characters and pairs are not all in a conversation's filter cannot occur in it, so only the few
 * conversations left are read; 100,000 messages are not scanned per search. The filter holds no
 * text. It is brought up to date from the store after each message stored in a support room.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import type { Store } from "@/lib/store/types.ts";
import { isUpdate } from "@/lib/store/change_types.ts";
import type { SearchFilter } from "@/lib/store/tools.ts";

const BITS = 8192;
const PAGE = 100;

/** The lowercased characters and adjacent pairs of `text` (code points, NFC). */
export function grams(text: string): string[] {
  const chars = [...text.normalize("NFC").toLowerCase()];
  const out = chars.slice();
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

/** FNV-1a, 32 bits, with a seed. */
function hash(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % BITS;
}

const set = (bits: Uint8Array, i: number) => (bits[i >> 3] |= 1 << (i & 7));
const has = (bits: Uint8Array, i: number) => (bits[i >> 3] & (1 << (i & 7))) !== 0;

/** Adds a text's grams to the filter. */
export function addText(bits: Uint8Array, text: string): void {
  for (const g of grams(text)) {
    set(bits, hash(g, 1));
    set(bits, hash(g, 2));
  }
}

/** False when `needle` certainly does not occur in any text added to `bits`. */
export function mayContain(bits: Uint8Array, needle: string): boolean {
  return grams(needle).every((g) => has(bits, hash(g, 1)) && has(bits, hash(g, 2)));
}

export function decodeBits(filter: SearchFilter | null | undefined): Uint8Array {
  if (!filter) return new Uint8Array(BITS / 8);
  const binary = atob(filter.bits);
  const bits = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bits[i] = binary.charCodeAt(i);
  return bits;
}

function encodeBits(bits: Uint8Array): string {
  let binary = "";
  for (const byte of bits) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Whether a message's text is searchable (system lines are not). */
export function searchable(m: Message): boolean {
  return m.kind !== "system" && !m.deleted && typeof m.text === "string" && m.text.length > 0;
}

/**
 * Adds every message and change after the filter's `upTo` (a place in the room's order) to the
 * conversation's filter and stores it: an edit's new text counts like a new message's. A deleted or
 * replaced text stays in the filter, which only makes a later search read that conversation and
 * find nothing in it.
 *
 * @example
 * await indexConversation(store, message.room);
 */
export async function indexConversation(store: Store, room: string): Promise<void> {
  const stored = await store.getSearchFilter(room);
  const bits = decodeBits(stored);
  let upTo = stored?.upTo ?? 0;
  for (;;) {
    const page = await store.listEvents(room, { after: upTo, limit: PAGE });
    for (const event of page) {
      const m = isUpdate(event) ? event.update : event;
      if (searchable(m)) addText(bits, m.text!);
    }
    if (page.length > 0) upTo = page[page.length - 1].seq;
    if (page.length < PAGE) break;
  }
  if (stored && upTo === stored.upTo) return;
  await store.putSearchFilter({ room, upTo, bits: encodeBits(bits) });
}
