/**
 * Messages on Deno KV live in chunks: `["msgs", room, firstSeq]` → the messages one commit stored in
 * that room, in seq order (one under light load, 8 or more under load). SQLite's cost is per row, so
 * one row for a room's batch instead of one per message is most of what a commit saves.
 *
 * The chunk holding seq s is the one with the largest firstSeq ≤ s: chunks never overlap, and a
 * chunk's messages all come before the next chunk's first. Seqs inside a chunk are increasing, not
 * always consecutive (the seq of an edit, a delete or a reaction belongs to a `["change"]` record).
 * A chunk stays well under KV's 64 KiB per value (`CHUNK_BYTES`, estimated generously); a message
 * larger than that alone gets a chunk of its own, and KV refuses it if it is over the limit itself.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import type { NewMessage } from "../types.ts";
import { withoutUndefined } from "../records.ts";

/** The estimated size a chunk may reach (KV refuses a value over 65,536 bytes). */
export const CHUNK_BYTES = 40_000;
/** getMany reads at most 10 keys. */
const READ_CHUNK = 10;
/** Chunks read per list batch when the caller does not say how many messages it wants. */
const BATCH = 25;
/**
 * Chunks per list batch for `wanted` messages: a quarter of them (a chunk under load holds 8 or
 * more, one under light load: then a few batches), so a page reads little past its end.
 */
/**
 * Chunks to list per batch for `wanted` more messages, judged by a chunk already read (`per`
 * messages): a busy room's chunks hold a commit's worth, an imported room's a hundred or more, and
 * listing a hundred of those for a page of 50 read 14 times the page.
 */
const batchFor = (wanted: number | undefined, per: number) =>
  wanted ? Math.min(100, Math.ceil(Math.max(wanted, 1) / Math.max(per, 1)) + 1) : BATCH;

/** The key of the chunk starting at `first`. */
export function chunkKey(room: string, first: number): Deno.KvKey {
  return ["msgs", room, first];
}

/**
 * An upper bound of a stored message's size (V8 serialization stores a character in one or two
 * bytes); for rewrites, not for the append path, which estimates from its input.
 */
export function messageBytes(message: Message): number {
  return 64 + 2 * JSON.stringify(message).length;
}

/**
 * Splits `items` (in order) into runs whose estimated bytes stay within `limit`; an item over the
 * limit on its own is a run of its own.
 *
 * @example
 * splitBySize([10, 10, 30], (n) => n, 20); // [[10, 10], [30]]
 */
export function splitBySize<T>(items: T[], bytesOf: (item: T) => number, limit = CHUNK_BYTES): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (run.length > 0 && bytes + size > limit) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Sets `messages` (one room, in seq order) on `op` as chunks of at most `CHUNK_BYTES`. */
export function setChunks(op: Deno.AtomicOperation, room: string, messages: Message[]): void {
  for (const run of splitBySize(messages, messageBytes)) op.set(chunkKey(room, run[0].seq), run);
}

/**
 * The chunk that would hold `seq` (the largest firstSeq ≤ seq), or null.
 *
 * @example
 * const entry = await chunkAt(kv, room, 42);
 */
export async function chunkAt(
  kv: Deno.Kv,
  room: string,
  seq: number,
): Promise<Deno.KvEntry<Message[]> | null> {
  const iter = kv.list<Message[]>({ prefix: ["msgs", room], end: chunkKey(room, seq + 1) }, {
    reverse: true,
    limit: 1,
  });
  for await (const entry of iter) return entry;
  return null;
}

/**
 * The message at `seq` and the chunk holding it, or null.
 *
 * @example
 * const found = await messageAt(kv, room, 42); // found?.message.seq === 42
 */
export async function messageAt(
  kv: Deno.Kv,
  room: string,
  seq: number,
): Promise<{ chunk: Deno.KvEntry<Message[]>; index: number; message: Message } | null> {
  const chunk = await chunkAt(kv, room, seq);
  const index = chunk ? chunk.value.findIndex((m) => m.seq === seq) : -1;
  return chunk && index >= 0 ? { chunk, index, message: chunk.value[index] } : null;
}

/**
 * The messages with `low ≤ seq < high`, oldest first, read chunk by chunk while the caller iterates.
 *
 * @example
 * for await (const message of ascending(kv, room, 1, 51)) console.log(message.seq);
 */
export async function* ascending(
  kv: Deno.Kv,
  room: string,
  low: number,
  high: number,
  wanted?: number,
): AsyncGenerator<Message> {
  if (low >= high) return;
  const head = await chunkAt(kv, room, low);
  let given = 0;
  if (head) {
    for (const m of head.value) {
      if (m.seq >= low && m.seq < high) {
        given++;
        yield m;
      }
    }
  }
  // The head is the last chunk starting at or before `low`: the rest start after it.
  const start = head ? (head.key[2] as number) + 1 : low;
  if (start >= high) return;
  const iter = kv.list<Message[]>({ start: chunkKey(room, start), end: chunkKey(room, high) }, {
    batchSize: batchFor(wanted && wanted - given, head?.value.length ?? 1),
  });
  for await (const { value } of iter) {
    for (const m of value) {
      if (m.seq >= high) return;
      yield m;
    }
  }
}

/**
 * The messages with `low ≤ seq < high`, newest first, read chunk by chunk while the caller iterates.
 *
 * @example
 * for await (const message of descending(kv, room, 1, 100)) console.log(message.seq);
 */
export async function* descending(
  kv: Deno.Kv,
  room: string,
  low: number,
  high: number,
  wanted?: number,
): AsyncGenerator<Message> {
  if (low >= high) return;
  // The newest chunk first, on its own: its size tells how many more to list per batch.
  const head = await chunkAt(kv, room, high - 1);
  if (!head) return;
  let given = 0;
  for (let i = head.value.length - 1; i >= 0; i--) {
    const m = head.value[i];
    if (m.seq < low) return;
    if (m.seq < high) {
      given++;
      yield m;
    }
  }
  const iter = kv.list<Message[]>({ prefix: ["msgs", room], end: head.key }, {
    reverse: true,
    batchSize: batchFor(wanted && wanted - given, head.value.length),
  });
  for await (const { value } of iter) {
    for (let i = value.length - 1; i >= 0; i--) {
      const m = value[i];
      if (m.seq < low) return;
      if (m.seq < high) yield m;
    }
  }
}

/**
 * Every message of `room`, oldest first (search, exports).
 *
 * @example
 * for await (const message of allMessages(kv, room)) console.log(message.text);
 */
export async function* allMessages(kv: Deno.Kv, room: string): AsyncGenerator<Message> {
  for await (const { value } of kv.list<Message[]>({ prefix: ["msgs", room] }, { batchSize: BATCH })) {
    yield* value;
  }
}

/** Builds the stored form of a message at `seq` with id `id`. */
export function storedMessage(input: NewMessage, seq: number, at: string, id: string): Message {
  // Built field by field, not copied through `withoutUndefined`: this runs for every message.
  const { id: authorId, name, role } = input.author;
  const message = {
    id,
    seq,
    room: input.room,
    kind: input.kind,
    author: { id: authorId, name, role },
  } as Message;
  if (input.text !== undefined) message.text = input.text;
  if (input.program !== undefined) message.program = withoutUndefined(input.program);
  if (input.file !== undefined) message.file = input.file;
  if (input.notice !== undefined) message.notice = withoutUndefined(input.notice);
  if (input.private) message.private = true;
  message.at = at;
  return message;
}

/** The estimated stored size of `input`'s message. */
export function inputBytes(input: NewMessage): number {
  return 512 + 2 * ((input.text?.length ?? 0) + (input.author.name?.length ?? 0) +
        JSON.stringify(input.program ?? input.file ?? input.notice ?? "").length);
}

/** `kv.getMany` for any number of keys. */
export async function getAll<T>(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<T>[]> {
  const chunks: Promise<Deno.KvEntryMaybe<T>[]>[] = [];
  for (let i = 0; i < keys.length; i += READ_CHUNK) {
    chunks.push(kv.getMany<T[]>(keys.slice(i, i + READ_CHUNK)));
  }
  return (await Promise.all(chunks)).flat();
}
