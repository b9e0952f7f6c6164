/**
 * Messages of the MongoDB store: gap-free `seq` without a counter, idempotent appends, history pages.
 *
 * No counter that a crash could burn: seq n is claimed by inserting the message itself under the
 * unique (room, seq) index. A writer only tries n when n-1 is known stored — the room's `seq` hint and
 * this process's `lastStored` name stored seqs only (both are raised after a successful insert), and
 * a duplicate-key error on n proves n is stored — so by induction the seqs of a room are 1…k with
 * no gap and no seq twice, however many processes append at once. A crash between the insert and
 * the `$max` of the hint leaves the hint low, which only costs the next writer a retry.
 */
import { monotonicFactory } from "ulid";
import type { Message } from "@/lib/protocol.ts";
import { StoreUnavailableError } from "@/lib/errors.ts";
import type { AppendResult, NewMessage, Store } from "./types.ts";
import { assertStrings, withoutUndefined } from "./shared.ts";
import {
  type Collections,
  fromMessageDoc,
  isDuplicateKey,
  type MessageDoc,
  type RoomDoc,
  userRef,
} from "./mongo_docs.ts";

const ulid = monotonicFactory();

export interface MongoMessages extends Pick<Store, "appendMessage" | "listMessages" | "importMessages"> {
  /** The room's last seq: its hint, then forward over any seqs stored after it. */
  lastSeqOf(doc: RoomDoc): Promise<number>;
}

/**
 * The message methods of a MongoDB store over `c`. An append that has not finished `timeoutMs`
 * after it was called (queue wait included) fails with StoreUnavailableError; the client resends it
 * under the same clientId, which stores it at most once.
 */
export function mongoMessages(c: Collections, { timeoutMs = 8_000 } = {}): MongoMessages {
  /** The last seq this process stored, per room: a valid first try without a read. */
  const lastStored = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();

  /**
   * Runs `task` after every earlier task queued under `key`. Appends to one room are queued within a
   * process: racing writers of one process would otherwise collide on every seq (quadratic retries;
   * 200 at once took ~100 s on FerretDB, under 1 s queued). Other processes still race, safely.
   */
  function serialize<T>(key: string, task: (expired: () => boolean) => Promise<T>): Promise<T> {
    let expired = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(new StoreUnavailableError(`append to room ${key} did not finish in ${timeoutMs} ms`));
      }, timeoutMs);
    });
    // Past its deadline a task that has not started is skipped (its caller already gave up), and one
    // still running no longer holds up the queue: a stalled database call delays the tasks behind it
    // by at most `timeoutMs`, and never a backlog that grows without bound under load. A running task
    // sees `expired()` and stops before its next call, so late tasks never pile up on a slow database.
    const run = (queues.get(key) ?? Promise.resolve()).then(() => expired ? deadline : task(() => expired));
    const result = Promise.race([run, deadline]).finally(() => clearTimeout(timer));
    const tail = result.then(() => {}, () => {});
    run.catch(() => {}); // settles after the deadline when it ran late; already reported
    queues.set(key, tail);
    tail.then(() => queues.get(key) === tail && queues.delete(key));
    return result;
  }

  async function byClientId(authorId: string, clientId: string): Promise<Message | null> {
    const doc = await c.messages.findOne({ "author.id": authorId, clientId });
    return doc ? fromMessageDoc(doc) : null;
  }

  async function seqHint(room: string): Promise<number> {
    return (await c.rooms.findOne({ _id: room }, { projection: { seq: 1 } }))?.seq ?? 0;
  }

  async function append(input: NewMessage, expired: () => boolean): Promise<AppendResult> {
    const gaveUp = () => new StoreUnavailableError("append gave up: past its deadline");
    // No lookup of (author, clientId) first: its unique index refuses a repeat, and the duplicate-key
    // path below looks it up then, saving a round trip on every new message.
    let seq = (lastStored.get(input.room) ?? await seqHint(input.room)) + 1;
    for (;;) {
      const doc: MessageDoc = withoutUndefined({
        _id: ulid(),
        seq,
        room: input.room,
        kind: input.kind,
        author: userRef(input.author),
        text: input.text,
        program: input.program,
        at: new Date().toISOString(),
        clientId: input.clientId,
      });
      try {
        await c.messages.insertOne(doc);
      } catch (error) {
        if (expired()) throw gaveUp();
        // FerretDB's E11000 names no index. When the hint shows `seq` taken, another writer explains
        // it: go on from the hint at once. Else look for this clientId; that read scans the whole
        // collection on FerretDB (no filter pushdown), so it is kept off the common race path. A
        // repeated clientId is still found: once `seq` reaches the end of the room, the hint is below it.
        if (!isDuplicateKey(error)) throw error;
        const hint = await seqHint(input.room);
        if (expired()) throw gaveUp();
        if (hint < seq) {
          const raced = await byClientId(input.author.id, input.clientId);
          if (raced) return { message: raced, duplicate: true };
        }
        seq = Math.max(seq + 1, hint + 1);
        continue;
      }
      lastStored.set(input.room, seq);
      await c.rooms.updateOne({ _id: input.room }, { $max: { seq } });
      return { message: fromMessageDoc(doc), duplicate: false };
    }
  }

  /**
   * One read, whatever the room's traffic. (It walked forward from the hint one seq per read, which
   * never caught up with a busy room when each read cost more than the gap between two appends:
   * every find on FerretDB scans the collection, and joins then waited until the room went quiet.)
   */
  async function lastSeqOf(doc: RoomDoc): Promise<number> {
    const hint = doc.seq ?? 0;
    const last = await c.messages.findOne({ room: doc._id, seq: { $gt: hint } }, {
      sort: { seq: -1 },
      projection: { seq: 1 },
    });
    if (!last) return hint;
    await c.rooms.updateOne({ _id: doc._id }, { $max: { seq: last.seq } });
    return last.seq;
  }

  return {
    lastSeqOf,

    async appendMessage(input) {
      assertStrings({ room: input.room, authorId: input.author.id, clientId: input.clientId });
      return await serialize(input.room, (expired) => append(input, expired));
    },

    async importMessages(inputs) {
      if (inputs.length === 0) return 0;
      const room = inputs[0].room;
      // The hint, not lastSeqOf: probing by (room, seq) scans the collection on FerretDB's SQLite backend,
      // which made an import quadratic. A hint left low by a crash makes the insert fail, not gap.
      let seq = await seqHint(room);
      const at = new Date().toISOString();
      // The unique (room, seq) index still refuses a seq taken meanwhile: an import never leaves a gap.
      for (let i = 0; i < inputs.length; i += 5_000) {
        const docs = inputs.slice(i, i + 5_000).map((input): MessageDoc => {
          if (input.room !== room) throw new TypeError("importMessages takes messages of one room");
          assertStrings({ authorId: input.author.id, clientId: input.clientId });
          return withoutUndefined({
            _id: ulid(),
            seq: ++seq,
            room,
            kind: input.kind,
            author: userRef(input.author),
            text: input.text,
            program: input.program,
            at,
            clientId: input.clientId,
          });
        });
        await c.messages.insertMany(docs, { ordered: true });
        await c.rooms.updateOne({ _id: room }, { $max: { seq } });
      }
      lastStored.delete(room);
      return inputs.length;
    },

    async listMessages(room, { before, after, limit }) {
      assertStrings({ room });
      if (limit <= 0) return [];
      const range: { $gt?: number; $lt?: number } = {};
      if (after !== undefined) range.$gt = Number(after);
      if (before !== undefined) range.$lt = Number(before);
      const newest = after === undefined;
      const filter = Object.keys(range).length ? { room, seq: range } : { room };
      const docs = await c.messages.find(filter).sort({ seq: newest ? -1 : 1 }).limit(Number(limit))
        .toArray();
      const messages = docs.map(fromMessageDoc);
      // Without `after`: the newest `limit`, returned oldest first.
      return newest ? messages.reverse() : messages;
    },
  };
}
