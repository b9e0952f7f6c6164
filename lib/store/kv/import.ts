/**
 * Bulk load on Deno KV (see `Store.importMessages`): consecutive seqs after the room's counter, in
 * chunks, a bounded slice per atomic write. Each write checks the counter, so a racing append fails
 * the import rather than leaving a gap, and adds to the authors' clientId histories like an append
 * (client_ids.ts), so a resend of any imported message is a duplicate.
 */
import type { NewMessage } from "../types.ts";
import type { Message } from "@/lib/shared/protocol.ts";
import { inputBytes, setChunks, storedMessage } from "./chunks.ts";
import { idRandoms, idTime, messageId } from "./ids.ts";
import {
  type History,
  loadHistory,
  planAppend,
  SEGMENT_ENTRIES,
  SEGMENT_WRITE_BYTES,
  segmentKey,
} from "./client_ids.ts";

/** Estimated bytes per write (KV allows 819,200 and 1,000 mutations), history segments included. */
const SLICE_BYTES = 500_000;
const SLICE_AUTHORS = 10;
/** Messages per write: their chunks and history segments stay well within KV's 1,000 mutations. */
const SLICE_MESSAGES = 400;

/**
 * `inputs` cut into writes within KV's limits: bytes, and authors. An author's k entries write at
 * most k / 32 + 2 segments: a share of a segment write per message, two more per author.
 */
function slicesOf(inputs: NewMessage[]): NewMessage[][] {
  const slices: NewMessage[][] = [];
  let slice: NewMessage[] = [], authors = new Set<string>(), bytes = 0;
  const cost = (input: NewMessage) =>
    inputBytes(input) + Math.ceil(SEGMENT_WRITE_BYTES / SEGMENT_ENTRIES) +
    (authors.has(input.author.id) ? 0 : 2 * SEGMENT_WRITE_BYTES);
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
  /** Histories kept from slice to slice, each brought up to date from its last segment. */
  const known = new Map<string, History>();
  for (const slice of slices) {
    const authors = [...new Set(slice.map((i) => i.author.id))];
    const counter = await kv.get<number>(["roomSeq", room]);
    // Read after the counter: each holds at least what that counter covers (if more, the check fails).
    const histories = await Promise.all(authors.map((a) => loadHistory(kv, room, a, known.get(a))));
    let seq = counter.value ?? 0;
    const randoms = idRandoms(slice.length);
    const added = new Map(authors.map((a) => [a, { ids: [] as string[], seqs: [] as number[] }]));
    const messages: Message[] = slice.map((input, n) => {
      seq++;
      added.get(input.author.id)!.ids.push(input.clientId);
      added.get(input.author.id)!.seqs.push(seq);
      return storedMessage(input, seq, at, messageId(time, seq, randoms[n]));
    });
    // The counter check fences the histories too: every segment write moves the counter (client_ids.ts).
    const op = kv.atomic().check(counter).set(["roomSeq", room], seq);
    setChunks(op, room, messages);
    const plans = authors.map((a, n) => {
      const { ids, seqs } = added.get(a)!;
      const plan = planAppend(histories[n], ids, seqs);
      for (const [segment, bytes] of plan.writes) op.set(segmentKey(room, a, segment), bytes);
      return plan;
    });
    if (!(await op.commit()).ok) {
      throw new Error(`importMessages: room ${room} was appended to during the import`);
    }
    plans.forEach((plan) => plan.apply());
    authors.forEach((a, n) => known.set(a, histories[n]));
  }
  return inputs.length;
}
