/**
 * Bulk load on Deno KV (see `Store.importMessages`): consecutive seqs after the room's counter, in
 * chunks, a bounded slice per atomic write. Each write checks the counter, so a racing append fails
 * the import rather than leaving a gap, and updates the authors' clientId rings like an append.
 * Each imported message also gets a clientId row (legacy.ts), read by an append's careful path.
 */
import type { NewMessage } from "../types.ts";
import type { Message } from "@/lib/shared/protocol.ts";
import { getAll, inputBytes, setChunks, storedMessage } from "./chunks.ts";
import { idRandoms, idTime, messageId } from "./ids.ts";
import { clientIdRowKey } from "./legacy.ts";
import { EMPTY_RING, type Ring, ringBytes, ringKey, ringWith } from "./rings.ts";

/** Estimated bytes per write (KV allows 819,200 and 1,000 mutations), rings (~20 KB each) included. */
const SLICE_BYTES = 500_000;
const SLICE_AUTHORS = 10;
/** Messages per write: two mutations each (chunk share and clientId row), within KV's 1,000. */
const SLICE_MESSAGES = 400;

/** `inputs` cut into writes within KV's limits: bytes, and authors (a ring each). */
function slicesOf(inputs: NewMessage[]): NewMessage[][] {
  const slices: NewMessage[][] = [];
  let slice: NewMessage[] = [], authors = new Set<string>(), bytes = 0;
  const cost = (input: NewMessage) =>
    inputBytes(input) + (authors.has(input.author.id) ? 0 : ringBytes(undefined));
  for (const input of inputs) {
    const full = bytes + cost(input) > SLICE_BYTES ||
      (!authors.has(input.author.id) && authors.size >= SLICE_AUTHORS) || slice.length >= SLICE_MESSAGES;
    if (slice.length > 0 && full) {
      slices.push(slice);
      slice = [];
      authors = new Set();
      bytes = 0;
    }
    bytes += cost(input);
    slice.push(input);
    authors.add(input.author.id);
  }
  if (slice.length > 0) slices.push(slice);
  return slices;
}

/**
 * Appends `inputs` (one room) at the next seqs.
 *
 * @example
 * await importKvMessages(kv, inputs);
 */
export async function importKvMessages(kv: Deno.Kv, inputs: NewMessage[]): Promise<number> {
  if (inputs.length === 0) return 0;
  const room = inputs[0].room;
  if (inputs.some((i) => i.room !== room)) throw new TypeError("importMessages takes messages of one room");
  const slices = slicesOf(inputs);
  const now = Date.now();
  const at = new Date(now).toISOString();
  const time = idTime(now);
  for (const slice of slices) {
    const authors = [...new Set(slice.map((i) => i.author.id))];
    const [counter, ...rings] = await getAll<unknown>(kv, [
      ["roomSeq", room],
      ...authors.map((a) => ringKey(room, a)),
    ]);
    let seq = (counter.value as number | null) ?? 0;
    const randoms = idRandoms(slice.length);
    const added = new Map(authors.map((a) => [a, { ids: [] as string[], seqs: [] as number[] }]));
    const messages: Message[] = slice.map((input, n) => {
      seq++;
      added.get(input.author.id)!.ids.push(input.clientId);
      added.get(input.author.id)!.seqs.push(seq);
      return storedMessage(input, seq, at, messageId(time, seq, randoms[n]));
    });
    // The counter check fences the rings too: every ring write moves the counter (rings.ts).
    const op = kv.atomic().check(counter as Deno.KvEntryMaybe<number>).set(["roomSeq", room], seq);
    setChunks(op, room, messages);
    // A row per clientId, as before rings: a resend of any imported message stays a duplicate, however
    // many came after it (rings keep only the last RING_SIZE).
    slice.forEach((input, n) =>
      op.set(clientIdRowKey(room, input.author.id, input.clientId), { seq: messages[n].seq })
    );
    authors.forEach((a, n) => {
      const { ids, seqs } = added.get(a)!;
      op.set(ringKey(room, a), ringWith((rings[n].value as Ring | null) ?? EMPTY_RING, ids, seqs));
    });
    if (!(await op.commit()).ok) {
      throw new Error(`importMessages: room ${room} was appended to during the import`);
    }
  }
  return inputs.length;
}
