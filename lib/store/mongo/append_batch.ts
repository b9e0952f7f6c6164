/**
 * Group commit on MongoDB: appends that arrive while a write is in flight go out together in one
 * ordered `insertMany`, rooms grouped, each room's messages at the next seqs this process knows. A
 * lone append (an idle store) goes at once through the careful path of `messages.ts`, as does every
 * message from the first refused one on: the unique (room, seq) and (room, author, clientId) indexes
 * still decide, and an ordered insert stops at the refusal, so no room is left with a gap.
 */
import { StoreUnavailableError } from "@/lib/store/errors.ts";
import type { AppendResult, NewMessage } from "../types.ts";
import { type Collections, fromMessageDoc, isDuplicateKey, type MessageDoc } from "./docs.ts";

/** Messages per `insertMany`: well inside a 16 MiB command for messages of at most a few KB. */
const MAX_BATCH = 500;

export interface BatchDeps {
  c: Collections;
  /** The last seq this process stored, per room. */
  lastStored: Map<string, number>;
  seqHint(room: string): Promise<number>;
  markClientIds(docs: MessageDoc[]): Promise<void>;
  /** The careful path of one append, queued per room. */
  one(input: NewMessage): Promise<AppendResult>;
  /** Whether a careful append of `room` is queued or running in this process. */
  busy(room: string): boolean;
  toDoc(input: NewMessage, seq: number, at: string): MessageDoc;
  timeoutMs: number;
}

interface Pending {
  input: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Index of the first refused document of an ordered bulk insert, if the error says. */
function failedAt(error: unknown): number | undefined {
  const e = error as { writeErrors?: { index: number } | { index: number }[]; insertedCount?: number };
  const first = Array.isArray(e.writeErrors) ? e.writeErrors[0] : e.writeErrors;
  return first?.index ?? e.insertedCount;
}

/**
 * @example
 * const batcher = mongoBatcher(deps);
 * const { message } = await batcher.append(input);
 */
export function mongoBatcher(d: BatchDeps): { append(input: NewMessage): Promise<AppendResult> } {
  const queue = new Map<string, Pending[]>();
  let running = false;

  function take(): Pending[] {
    const batch: Pending[] = [];
    for (const [room, waiting] of queue) {
      const n = Math.min(waiting.length, MAX_BATCH - batch.length);
      batch.push(...waiting.splice(0, n));
      if (waiting.length === 0) queue.delete(room);
      if (batch.length >= MAX_BATCH) break;
    }
    return batch;
  }

  const careful = (p: Pending) => d.one(p.input).then(p.resolve, p.reject);

  async function commit(batch: Pending[]): Promise<void> {
    // Rooms with a careful append in flight stay on that path, in order behind it.
    const mine = batch.filter((p) => !d.busy(p.input.room));
    batch.filter((p) => d.busy(p.input.room)).forEach(careful);
    if (mine.length <= 1) return void await Promise.all(mine.map(careful));
    const rooms = [...new Set(mine.map((p) => p.input.room))];
    const bases = await Promise.all(rooms.map((r) => d.lastStored.get(r) ?? d.seqHint(r)));
    const next = new Map(rooms.map((r, i) => [r, bases[i]]));
    const at = new Date().toISOString();
    const docs = mine.map((p) => {
      const seq = next.get(p.input.room)! + 1;
      next.set(p.input.room, seq);
      return d.toDoc(p.input, seq, at);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`insertMany did not finish in ${d.timeoutMs} ms`)),
        d.timeoutMs,
      );
    });
    let stored = docs.length;
    try {
      await Promise.race([d.c.messages.insertMany(docs, { ordered: true }), deadline]);
    } catch (error) {
      const at = isDuplicateKey(error) ? failedAt(error) : undefined;
      if (at === undefined) {
        // Unknown how much was written: each caller's resend (same clientId) finds its message.
        return mine.forEach((p) => p.reject(error));
      }
      stored = at;
    } finally {
      clearTimeout(timer);
    }
    const done = docs.slice(0, stored);
    for (const doc of done) d.lastStored.set(doc.room, Math.max(d.lastStored.get(doc.room) ?? 0, doc.seq));
    const tops = new Map(done.map((doc) => [doc.room, doc.seq]));
    await Promise.all([
      ...[...tops].map(([room, seq]) => d.c.rooms.updateOne({ _id: room }, { $max: { seq } })),
      d.markClientIds(done),
    ]).catch(() => {/* hints and markers only: the messages are stored */});
    done.forEach((doc, i) => mine[i].resolve({ message: fromMessageDoc(doc), duplicate: false }));
    // From the refused one on, each on the careful path, in order within its room.
    mine.slice(stored).forEach(careful);
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
        const pending = { input, resolve, reject };
        if (waiting) waiting.push(pending);
        else queue.set(input.room, [pending]);
        // A microtask later, so the appends queued together go in one insert (see kv/append.ts).
        if (!running) {
          running = true;
          queueMicrotask(drain);
        }
      });
    },
  };
}
