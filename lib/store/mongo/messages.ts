/**
 * Messages of the MongoDB store: gap-free `seq` without a counter, idempotent appends, history pages.
 * Appends that arrive together go out in one `insertMany` (`append_batch.ts`); this file is the
 * careful path of one append, which that batch falls back on.
 *
 * No counter that a crash could burn: seq n is claimed by inserting the message itself under the
 * unique (room, seq) index. A writer only tries n when n-1 is known stored — the room's `seq` hint and
 * this process's `lastStored` name stored seqs only (both are raised after a successful insert), and
 * a duplicate-key error on n proves n is stored — so by induction the seqs of a room are 1…k with
 * no gap and no seq twice, however many processes append at once. A crash between the insert and
 * the `$max` of the hint leaves the hint low, which only costs the next writer a retry.
 *
 * Every read is an exact `_id` lookup: FerretDB 1.24 on SQLite pushes down no other filter (not even
 * `_id: {$in}` or an `_id` range), so any other find scans the whole collection (~0.25 ms per stored
 * message). A message's `_id` is `messageKey(room, seq)`, and a page is the lookups of its seqs.
 */
import { monotonicFactory } from "ulid";
import type { Message } from "@/lib/shared/protocol.ts";
import { StoreUnavailableError } from "../errors.ts";
import type { AppendResult, NewMessage, Store } from "../types.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import {
  clientIdKey,
  type Collections,
  fromMessageDoc,
  isDuplicateKey,
  type MessageDoc,
  messageKey,
  type RoomDoc,
  userRef,
} from "./docs.ts";
import { mongoBatcher } from "./append_batch.ts";

const ulid = monotonicFactory();

export interface MongoMessages extends Pick<Store, "appendMessage" | "listMessages" | "importMessages"> {
  /** The room's last seq: its hint, then forward over any seqs stored after it (exact lookups). */
  lastSeqOf(doc: RoomDoc): Promise<number>;
}

/**
 * The message methods of a MongoDB store over `c`. An append that has not finished `timeoutMs`
 * after it was called (queue wait included) fails with StoreUnavailableError; the client resends it
 * under the same clientId, which stores it at most once.
 */
/** The stored form of a message at `seq`. */
function messageDoc(input: NewMessage, seq: number, at: string): MessageDoc {
  return withoutUndefined({
    _id: messageKey(input.room, seq),
    id: ulid(),
    seq,
    room: input.room,
    kind: input.kind,
    author: userRef(input.author),
    text: input.text,
    program: input.program,
    file: input.file,
    notice: input.notice,
    private: input.private || undefined,
    at,
    clientId: input.clientId,
  });
}

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

  function messageAt(room: string, seq: number): Promise<MessageDoc | null> {
    return c.messages.findOne({ _id: messageKey(room, seq) });
  }

  async function isStored(room: string, seq: number): Promise<boolean> {
    return (await c.messages.findOne({ _id: messageKey(room, seq) }, { projection: { _id: 1 } })) !== null;
  }

  /**
   * The stored message of (author, clientId). Its marker first (one lookup); without one (a crash
   * between a message and its marker, or another writer in between the two) the indexed field query,
   * which scans the collection on FerretDB, so correctness never rests on the marker.
   */
  async function byClientId(room: string, authorId: string, clientId: string): Promise<Message | null> {
    const marker = await c.clientIds.findOne({ _id: clientIdKey(room, authorId, clientId) });
    const marked = marker && await messageAt(marker.room, marker.seq);
    if (marked && marked.author.id === authorId && marked.clientId === clientId) {
      return fromMessageDoc(marked);
    }
    const doc = await c.messages.findOne({ room, "author.id": authorId, clientId });
    if (doc) await markClientIds([doc]);
    return doc ? fromMessageDoc(doc) : null;
  }

  /** Best effort: a marker is only a shortcut, and one that exists already names the same message. */
  async function markClientIds(docs: MessageDoc[]): Promise<void> {
    const markers = docs.map((d) => ({
      _id: clientIdKey(d.room, d.author.id, d.clientId),
      room: d.room,
      seq: d.seq,
    }));
    const ids = docs.map((d) => ({ _id: `${d.room}:${d.id}`, seq: d.seq }));
    await Promise.all([
      c.clientIds.insertMany(markers, { ordered: false }).catch(() => {}),
      c.messageIds.insertMany(ids, { ordered: false }).catch(() => {}),
    ]);
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
      const doc = messageDoc(input, seq, new Date().toISOString());
      try {
        await c.messages.insertOne(doc);
      } catch (error) {
        if (expired()) throw gaveUp();
        // FerretDB's E11000 names no index, so look: when `seq` is stored, it is this message (a
        // resend) or another writer's, and then go on from the hint. When `seq` is free, the refusal
        // was this clientId's, stored under another seq. (A message is never deleted.)
        if (!isDuplicateKey(error)) throw error;
        const taken = await messageAt(input.room, seq);
        if (expired()) throw gaveUp();
        if (taken && taken.author.id === input.author.id && taken.clientId === input.clientId) {
          return { message: fromMessageDoc(taken), duplicate: true };
        }
        if (!taken) {
          const raced = await byClientId(input.room, input.author.id, input.clientId);
          if (raced) return { message: raced, duplicate: true };
          if (expired()) throw gaveUp();
        }
        // A free `seq` with no such clientId found (only if the index lied): try `seq` again, never past it.
        if (taken) seq = Math.max(seq + 1, await seqHint(input.room) + 1);
        continue;
      }
      lastStored.set(input.room, seq);
      await Promise.all([c.rooms.updateOne({ _id: input.room }, { $max: { seq } }), markClientIds([doc])]);
      return { message: fromMessageDoc(doc), duplicate: false };
    }
  }

  /**
   * Seqs are gap-free, so "seq n is stored" is true up to the end and false after it: one lookup
   * when the hint is current, else a doubling then a halving search, O(log lag) lookups. (A walk of
   * one find per seq never caught up with a busy room when each find scanned the collection.)
   */
  async function lastSeqOf(doc: RoomDoc): Promise<number> {
    const hint = doc.seq ?? 0;
    if (!(await isStored(doc._id, hint + 1))) return hint;
    let stored = hint + 1;
    let missing = stored + 1;
    for (let step = 1; await isStored(doc._id, missing); step *= 2) {
      stored = missing;
      missing = stored + step;
    }
    while (missing - stored > 1) {
      const mid = Math.floor((stored + missing) / 2);
      if (await isStored(doc._id, mid)) stored = mid;
      else missing = mid;
    }
    await c.rooms.updateOne({ _id: doc._id }, { $max: { seq: stored } });
    return stored;
  }

  /** The messages `from`…`to` of a room, in seq order (changes left out); at most 64 lookups in flight. */
  async function range(room: string, from: number, to: number): Promise<Message[]> {
    const docs: (MessageDoc | null)[] = [];
    for (let start = from; start <= to; start += 64) {
      const seqs = Array.from({ length: Math.min(64, to - start + 1) }, (_, i) => start + i);
      docs.push(...await Promise.all(seqs.map((seq) => messageAt(room, seq))));
    }
    return docs.filter((doc) => doc !== null && !doc.change).map((doc) => fromMessageDoc(doc!));
  }

  const batcher = mongoBatcher({
    c,
    lastStored,
    seqHint,
    markClientIds,
    one: (input) => serialize(input.room, (expired) => append(input, expired)),
    busy: (room) => queues.has(room),
    toDoc: (input, seq, at) => messageDoc(input, seq, at),
    timeoutMs,
  });

  return {
    lastSeqOf,

    async appendMessage(input) {
      assertStrings({ room: input.room, authorId: input.author.id, clientId: input.clientId });
      return await batcher.append(input);
    },

    async importMessages(inputs) {
      if (inputs.length === 0) return 0;
      const room = inputs[0].room;
      let seq = await lastSeqOf({ _id: room, seq: await seqHint(room) } as RoomDoc);
      const at = new Date().toISOString();
      // The unique (room, seq) index still refuses a seq taken meanwhile: an import never leaves a gap.
      for (let i = 0; i < inputs.length; i += 5_000) {
        const docs = inputs.slice(i, i + 5_000).map((input): MessageDoc => {
          if (input.room !== room) throw new TypeError("importMessages takes messages of one room");
          assertStrings({ authorId: input.author.id, clientId: input.clientId });
          seq++;
          return messageDoc(input, seq, at);
        });
        await c.messages.insertMany(docs, { ordered: true });
        await Promise.all([c.rooms.updateOne({ _id: room }, { $max: { seq } }), markClientIds(docs)]);
      }
      lastStored.delete(room);
      return inputs.length;
    },

    async listMessages(room, { before, after, limit }) {
      assertStrings({ room });
      if (limit <= 0) return [];
      // The seqs wanted, from the room's last seq; then one `_id` lookup each.
      const doc = await c.rooms.findOne({ _id: room });
      const last = await lastSeqOf(doc ?? { _id: room, seq: 0 } as RoomDoc);
      const to = Math.min(last, before === undefined ? last : Math.ceil(Number(before)) - 1);
      const from = after === undefined
        ? Math.max(1, to - Math.floor(Number(limit)) + 1)
        : Math.max(1, Math.floor(Number(after)) + 1);
      // With `after`: the oldest `limit` after it; without: the newest `limit` before `before`.
      const want = Math.floor(Number(limit));
      if (after !== undefined) return await range(room, from, Math.min(to, from + want - 1));
      // Changes hold seqs too: reach further back until the page has `limit` messages.
      let page = await range(room, from, to);
      for (let low = from; page.length < want && low > 1;) {
        const high = low - 1;
        low = Math.max(1, high - (want - page.length) + 1);
        page = [...await range(room, low, high), ...page];
      }
      return page;
    },
  };
}
