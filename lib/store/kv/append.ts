/**
 * Message appends on Deno KV, group-committed: every append waiting while a commit is in flight goes
 * into the next commit, one atomic operation for many messages of many rooms. SQLite's cost is per
 * row, so a commit writes few: per room one chunk of its new messages (`chunks.ts`), the room
 * counter, and per author present the last segment(s) of their clientId history (`client_ids.ts`:
 * one ≤ 512 B row, two across a segment boundary). An idle store still commits a lone append at
 * once: nothing waits for a batch to fill.
 *
 * No read on the usual path. Each handle remembers every room counter it last saw (value and
 * versionstamp) and the complete clientId histories it read or wrote at it (`room_memory.ts`); a
 * commit checks each of its rooms' counters against that versionstamp, which fences the histories
 * too (see client_ids.ts). When another handle (isolate, process) moved a counter first, the check
 * fails, nothing is written, and the batch goes again the careful way: counters read, histories
 * brought up to date from their last segment, earlier messages returned as duplicates.
 *
 * Guarantees kept per message: seqs are consecutive per room, (room, author, clientId) makes one
 * message however long ago it was stored (repeats inside one batch get the first one's message), and
 * an append resolves only after the commit holding it.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import type { AppendResult, NewMessage } from "../types.ts";
import { retryAtomic } from "./retry.ts";
import { CHUNK_BYTES, chunkKey, inputBytes, splitBySize, storedMessage } from "./chunks.ts";
import { idRandoms, idTime, messageId } from "./ids.ts";
import {
  type History,
  planAppend,
  SEGMENT_ENTRIES,
  SEGMENT_WRITE_BYTES,
  segmentKey,
  segmentsWritten,
} from "./client_ids.ts";
import { RoomMemory } from "./room_memory.ts";
import { earlierMessages, idemId, pairId, readMissing } from "./append_read.ts";

/** Deno KV allows 100 checks, 1000 mutations and 819,200 bytes per atomic operation. */
const MAX_CHECKS = 100;
const MAX_MUTATIONS = 1000;
const MAX_BYTES = 600_000;

/** An append waiting for its write (here and in journal_append.ts). */
export interface Pending {
  input: NewMessage;
  /** A rough upper bound of the stored size (V8 serialization, two bytes per character at worst). */
  bytes: number;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * One attempt to store `inputs` in one atomic operation; `undefined` when a check failed (another
 * writer moved a counter first). `careful`: read every counter again and bring every history up to
 * date first (after a failed check); otherwise trust `memory` and read only what it lacks.
 */
async function attempt(
  kv: Deno.Kv,
  memory: RoomMemory,
  inputs: NewMessage[],
  careful: boolean,
): Promise<AppendResult[] | undefined> {
  const read = await readMissing(kv, memory, inputs, careful);
  const earlier = await earlierMessages(kv, inputs, read);
  const rooms = [...new Set(inputs.map((i) => i.room))];
  const next = new Map(rooms.map((r) => [r, memory.get(r)!.seq]));
  const results: AppendResult[] = [];
  const fresh = new Map<string, Message>();
  const byRoom = new Map<string, { message: Message; bytes: number }[]>();
  const added = new Map<string, { room: string; author: string; ids: string[]; seqs: number[] }>();
  const now = Date.now();
  const at = new Date(now).toISOString();
  const time = idTime(now);
  const randoms = idRandoms(inputs.length);
  inputs.forEach((input, n) => {
    const id = idemId(input);
    const prior = earlier.get(id) ?? fresh.get(id);
    if (prior) return results.push({ message: prior, duplicate: true });
    const seq = next.get(input.room)! + 1;
    next.set(input.room, seq);
    const message = storedMessage(input, seq, at, messageId(time, seq, randoms[n]));
    fresh.set(id, message);
    results.push({ message, duplicate: false });
    const list = byRoom.get(input.room);
    const item = { message, bytes: inputBytes(input) };
    if (list) list.push(item);
    else byRoom.set(input.room, [item]);
    const pair = pairId(input);
    const add = added.get(pair) ??
      added.set(pair, { room: input.room, author: input.author.id, ids: [], seqs: [] }).get(pair)!;
    add.ids.push(input.clientId);
    add.seqs.push(seq);
  });
  if (fresh.size === 0) return results;

  const op = kv.atomic();
  for (const [room, list] of byRoom) {
    for (const run of splitBySize(list, (m) => m.bytes)) {
      op.set(chunkKey(room, run[0].message.seq), run.map((m) => m.message));
    }
    // Fences the room's histories too: every segment write moves the counter (client_ids.ts).
    op.check({ key: ["roomSeq", room], versionstamp: memory.get(room)!.versionstamp })
      .set(["roomSeq", room], next.get(room)!);
  }
  const written: [string, string, History, () => void][] = [];
  for (const [pair, { room, author, ids, seqs }] of added) {
    const history = read.histories.get(pair)!;
    const plan = planAppend(history, ids, seqs);
    for (const [segment, bytes] of plan.writes) op.set(segmentKey(room, author, segment), bytes);
    written.push([room, author, history, plan.apply]);
  }
  const res = await op.commit();
  if (!res.ok) {
    for (const room of rooms) memory.forget(room);
    return undefined;
  }
  for (const room of byRoom.keys()) memory.advance(room, next.get(room)!, res.versionstamp);
  for (const [room, author, history, apply] of written) {
    apply();
    memory.put(room, author, history, memory.get(room)!.epoch);
  }
  return results;
}

/**
 * The append queue of one KV handle: `append` waits for the next commit, which carries every append
 * queued meanwhile (within KV's limits).
 *
 * @example
 * const appender = kvAppender(kv);
 * const { message } = await appender.append({ room, kind: "text", author, clientId, text: "hi" });
 */
export function kvAppender(kv: Deno.Kv, { maxEntries }: { maxEntries?: number } = {}): {
  append(input: NewMessage): Promise<AppendResult>;
} {
  /** Waiting appends by room, rooms in the order of their oldest append (a Map keeps insertion order). */
  const queue = new Map<string, Pending[]>();
  const memory = new RoomMemory(maxEntries);
  let running = false;

  /**
   * Whole rooms, oldest first, while they fit one atomic operation: per room one check, the counter,
   * its chunks (at most 1 + 2 × bytes / CHUNK_BYTES: each chunk but the last is over half full) and,
   * per author, the history segments its new entries land in (usually one, two across a boundary;
   * an author whose history is not in memory is counted as if its last segment held 31), whose bytes
   * count too.
   */
  function take(): Pending[] {
    const batch: Pending[] = [];
    let checks = 0, mutations = 0, bytes = 0;
    for (const [room, waiting] of queue) {
      if (batch.length > 0 && checks + 1 > MAX_CHECKS) break;
      /** Per author in this room: entries already in its last segment, and how many the batch adds. */
      const authors = new Map<string, { tail: number; added: number }>();
      let roomBytes = 0, roomMutations = 0;
      let n = 0;
      for (; n < waiting.length; n++) {
        const p = waiting[n];
        let author = authors.get(p.input.author.id);
        if (!author) {
          const known = memory.history(room, p.input.author.id)?.history;
          author = { tail: known ? known.count % SEGMENT_ENTRIES : SEGMENT_ENTRIES - 1, added: 0 };
        }
        const segments = segmentsWritten(author.tail, author.added + 1) -
          segmentsWritten(author.tail, author.added);
        const addBytes = p.bytes + segments * SEGMENT_WRITE_BYTES;
        const chunks = 1 + Math.floor((2 * (roomBytes + p.bytes)) / CHUNK_BYTES);
        const addMutations = 1 + segments + chunks - roomMutations;
        if (batch.length > 0 && (mutations + addMutations > MAX_MUTATIONS || bytes + addBytes > MAX_BYTES)) {
          break;
        }
        if (n === 0) checks++;
        author.added++;
        authors.set(p.input.author.id, author);
        bytes += addBytes;
        roomBytes += p.bytes;
        mutations += addMutations;
        roomMutations = 1 + chunks;
        batch.push(p);
      }
      if (n === waiting.length) queue.delete(room);
      else {
        waiting.splice(0, n);
        break;
      }
    }
    return batch;
  }

  /**
   * Stores a batch; when another writer moved one of its rooms' counters first, the batch is split
   * by room and each half goes again on its own, so one contended room does not hold back (or keep
   * failing) a commit of many others (isolates share rooms: each holds some of every room's sockets).
   */
  async function store(inputs: NewMessage[], careful = false): Promise<AppendResult[]> {
    // Retried here when the file is locked (nothing written): a retry of the whole batch after one
    // half committed would find that half's messages and call them duplicates.
    const first = await retryAtomic(() => attempt(kv, memory, inputs, careful).then((r) => r ?? null));
    if (first) return first;
    const rooms = [...new Set(inputs.map((i) => i.room))];
    if (rooms.length === 1) return await retryAtomic(() => attempt(kv, memory, inputs, true));
    const left = new Set(rooms.slice(0, rooms.length >> 1));
    const halves = [inputs.filter((i) => left.has(i.room)), inputs.filter((i) => !left.has(i.room))];
    const [a, b] = await Promise.all(halves.map((h) => store(h, true)));
    let ia = 0, ib = 0;
    return inputs.map((i) => left.has(i.room) ? a[ia++] : b[ib++]);
  }

  async function commit(batch: Pending[]): Promise<void> {
    try {
      const results = await store(batch.map((p) => p.input));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (error) {
      for (const p of batch) memory.forget(p.input.room);
      if (batch.length === 1) return batch[0].reject(error);
      // One bad message (too large for KV, say) must not fail its neighbours: each on its own.
      for (const p of batch) await commit([p]);
    }
  }

  /** Commits until the queue is empty; `append` set `running` when it scheduled this. */
  async function drain(): Promise<void> {
    try {
      while (queue.size) await commit(take());
    } finally {
      running = false;
    }
  }

  return {
    append(input) {
      return new Promise<AppendResult>((resolve, reject) => {
        const waiting = queue.get(input.room);
        const pending = { input, bytes: inputBytes(input), resolve, reject };
        if (waiting) waiting.push(pending);
        else queue.set(input.room, [pending]);
        // Started a microtask later, so appends queued together (one port message of the main
        // thread's writer, one turn's frames) go in one commit, not a lone first one and the rest
        // behind it. Nothing waits for a batch to fill.
        if (!running) {
          running = true;
          queueMicrotask(drain);
        }
      });
    },
  };
}
