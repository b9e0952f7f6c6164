/**
 * The appends of a KV file's one writer with its journal (journal.ts): a batch is decided in memory
 * (seqs from the remembered counters, resends from the remembered clientId histories), written to
 * the journal and synced, and acked; KV is brought up to date behind it (the backlog), in commits
 * that carry everything logged meanwhile, so a room's messages of many batches share one chunk row,
 * one counter write and one segment write per author.
 *
 * Safe because nothing else moves a room's counter: the journal's lock keeps other processes out, and
 * a worker's change or import of a room first takes the room here (`lock`): its backlog is applied,
 * its appends wait, and its counter is read again after. Reads see acked messages through
 * journal_slots.ts. On open, every journal entry KV lacks is applied before anything is served
 * (`replayJournal`, journal_apply.ts).
 */
import type { Message } from "@/lib/shared/protocol.ts";
import type { AppendResult, NewMessage } from "../types.ts";
import { StoreUnavailableError } from "../errors.ts";
import { inputBytes, messageAt, storedMessage } from "./chunks.ts";
import { idRandoms, idTime, messageId } from "./ids.ts";
import { historySeq, planAppend } from "./client_ids.ts";
import { RoomMemory } from "./room_memory.ts";
import { idemId, pairId, readMissing } from "./append_read.ts";
import { journalDir, type JournalEntry, openJournal } from "./journal.ts";
import { JournalSlots } from "./journal_slots.ts";
import { applyBacklogs, type Backlog, emptyBacklog } from "./journal_apply.ts";
import type { Pending } from "./append.ts";

/** The least time between the starts of two commits of the backlog (see `applySoon`). */
const APPLY_EVERY_MS = 200;
/** A backlog this large is applied at once, commit after commit. */
const APPLY_NOW_AT = 1000;
/** Messages one journal record carries at most. */
const MAX_BATCH = 2000;
/** Past this many messages logged and not yet in KV, new batches wait for KV to catch up. */
const MAX_BACKLOG = 50_000;
/** Deno KV refuses a value over 64 KiB: a message that could not be applied is refused before its ack. */
const MAX_MESSAGE_BYTES = 60_000;

/** The journal's pace and bound; the defaults are the constants above (tests shrink them). */
export interface JournalOptions {
  applyEveryMs?: number;
  maxBacklog?: number;
}

/** What `journalAppender` gives the writer: appends, room locks for changes, and its shared slots. */
export interface JournalAppender {
  append(input: NewMessage): Promise<AppendResult>;
  /** Resolves once `room`'s backlog is in KV and no append of it is being decided; its appends wait. */
  lock(room: string): Promise<void>;
  /** Resolves once KV holds every message of `room` logged so far (committed now, not at the pace). */
  synced(room: string): Promise<void>;
  /** Ends a `lock`: the room's counter is read again before its next append. */
  unlock(room: string): void;
  slots: JournalSlots;
  /** Waits for what is logged to reach KV, then closes the journal (not `kv`). */
  close(): Promise<void>;
}

/**
 * The journaled appender of the KV file at `path`, whose journal `replayJournal` already brought
 * into KV (`after`: the numbers of the files it replayed). `broken` is called once if the journal or
 * KV cannot be written: every later append fails, and the process should end (no ack can be given).
 *
 * @example
 * const appender = await journalAppender(kv, path, await replayJournal(kv, journalDir(path)));
 */
export async function journalAppender(
  kv: Deno.Kv,
  path: string,
  after: number[],
  broken: (error: Error) => void = () => {},
  { applyEveryMs = APPLY_EVERY_MS, maxBacklog = MAX_BACKLOG }: JournalOptions = {},
): Promise<JournalAppender> {
  const journal = await openJournal(journalDir(path), after);
  const slots = new JournalSlots();
  const memory = new RoomMemory();
  const queue = new Map<string, Pending[]>();
  const backlogs = new Map<string, Backlog>();
  let backlogSize = 0;
  /** Messages per journal file not in KV yet. */
  const outstanding = new Map<number, number>();
  /** Per locked room, its holders in turn (the first holds it); appends of the room wait. */
  const locks = new Map<string, { released: Promise<void>; release(): void }[]>();
  /** Rooms of the batch being decided and logged now, and its end. */
  let deciding = new Set<string>();
  let decided: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  let draining: Promise<void> | undefined;
  let applying: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastApply = -Infinity;

  const unavailable = () => new StoreUnavailableError(`the message journal failed: ${failure?.message}`);
  function fail(error: unknown) {
    if (failure) return;
    failure = error instanceof Error ? error : new Error(String(error));
    for (const waiting of queue.values()) for (const p of waiting) p.reject(unavailable());
    queue.clear();
    broken(failure);
  }

  /** One commit of the backlog now, room `first` first (after the commit running, if any). */
  function apply(first?: string): Promise<void> {
    if (applying) return first === undefined ? applying : applying.then(() => apply(first));
    clearTimeout(timer);
    timer = undefined;
    lastApply = performance.now();
    applying = applyBacklogs(
      kv,
      backlogs,
      (room, n, files) => {
        backlogSize -= n;
        slots.applied(room, n);
        for (const f of files) {
          const left = outstanding.get(f)! - 1;
          if (left > 0) outstanding.set(f, left);
          else {
            outstanding.delete(f);
            void journal.release(f);
          }
        }
      },
      true,
      first,
    ).catch(fail).finally(() => {
      applying = undefined;
      applySoon();
    });
    return applying;
  }
  /**
   * The next commit of the backlog, at most one per APPLY_EVERY_MS: rarer commits carry more of each
   * room per row. Who cannot wait (a lock, a dropped history, the backlog's bound) calls `apply`.
   */
  function applySoon() {
    if (applying || timer !== undefined || failure || backlogs.size === 0) return;
    // More than one commit holds: no point waiting.
    const wait = backlogSize >= APPLY_NOW_AT ? 0 : lastApply + applyEveryMs - performance.now();
    if (wait <= 0) void apply();
    else timer = setTimeout(() => apply(), wait);
  }
  async function applied(until: () => boolean, first?: string) {
    while (!until()) {
      if (failure) throw unavailable();
      await apply(first);
    }
  }

  /** Rooms in queue order, whole, up to MAX_BATCH messages; locked rooms stay queued. */
  function take(): Pending[] {
    const batch: Pending[] = [];
    for (const [room, waiting] of queue) {
      if (locks.has(room)) continue;
      batch.push(...waiting.splice(0, MAX_BATCH - batch.length));
      if (waiting.length === 0) queue.delete(room);
      if (batch.length >= MAX_BATCH) break;
    }
    return batch;
  }

  /** A resend's stored message: in the backlog (being applied or not), else in KV. */
  async function storedAt(room: string, seq: number): Promise<Message | undefined> {
    const items = backlogs.get(room)?.items;
    const first = items?.[0]?.message.seq;
    if (items && first !== undefined && seq >= first) return items[seq - first]?.message;
    return (await messageAt(kv, room, seq))?.message;
  }

  async function decide(batch: Pending[]): Promise<AppendResult[]> {
    const inputs = batch.map((p) => p.input);
    // A history this handle dropped (its bound) is read from KV, which must hold its backlog first.
    const stale = inputs.filter((i) => backlogs.has(i.room) && !memory.history(i.room, i.author.id)?.current);
    await applied(() => !stale.some((i) => backlogs.has(i.room)));
    const read = await readMissing(kv, memory, inputs, false);
    const results: AppendResult[] = [];
    const fresh = new Map<string, Message>();
    const entries: (JournalEntry & { bytes: number })[] = [];
    const next = new Map<string, number>();
    const added = new Map<string, { room: string; author: string; ids: string[]; seqs: number[] }>();
    const now = Date.now();
    const at = new Date(now).toISOString(), time = idTime(now);
    const randoms = idRandoms(inputs.length);
    for (const [n, input] of inputs.entries()) {
      const id = idemId(input);
      const earlierSeq = historySeq(read.histories.get(pairId(input))!, input.clientId) ?? read.rows.get(id);
      const prior = fresh.get(id) ??
        (earlierSeq === undefined ? undefined : await storedAt(input.room, earlierSeq));
      if (prior) {
        results.push({ message: prior, duplicate: true });
        continue;
      }
      const seq = (next.get(input.room) ?? memory.get(input.room)!.seq) + 1;
      next.set(input.room, seq);
      const message = storedMessage(input, seq, at, messageId(time, seq, randoms[n]));
      fresh.set(id, message);
      results.push({ message, duplicate: false });
      entries.push({ clientId: input.clientId, message, bytes: batch[n].bytes });
      const pair = pairId(input);
      const add = added.get(pair) ??
        added.set(pair, { room: input.room, author: input.author.id, ids: [], seqs: [] }).get(pair)!;
      add.ids.push(input.clientId);
      add.seqs.push(seq);
    }
    if (entries.length === 0) return results;
    const file = await journal.append(entries.map(({ clientId, message }) => ({ clientId, message })));
    // Logged: from here on the batch is stored, whatever happens to this process.
    outstanding.set(file, (outstanding.get(file) ?? 0) + entries.length);
    backlogSize += entries.length;
    for (const { message, bytes } of entries) {
      const b = backlogs.get(message.room) ?? backlogs.set(message.room, emptyBacklog()).get(message.room)!;
      b.items.push({ message, bytes, file });
    }
    for (const [pair, { room, author, ids, seqs }] of added) {
      const history = read.histories.get(pair)!;
      const plan = planAppend(history, ids, seqs);
      const segments = backlogs.get(room)!.segments;
      for (const [segment, value] of plan.writes) {
        segments.set(`${author}\u0000${segment}`, [author, segment, value]);
      }
      plan.apply();
      memory.put(room, author, history, memory.get(room)!.epoch);
    }
    for (const [room, seq] of next) {
      const state = memory.get(room)!;
      slots.logged(room, seq - state.seq);
      memory.advance(room, seq, state.versionstamp ?? "");
    }
    return results;
  }

  async function drain(): Promise<void> {
    for (let batch = take(); batch.length > 0 && !failure; batch = take()) {
      // Taken means being decided: a lock of one of these rooms waits from here on.
      deciding = new Set(batch.map((p) => p.input.room));
      let done!: () => void;
      decided = new Promise((resolve) => (done = resolve));
      const ok = batch.filter((p) => {
        if (p.bytes <= MAX_MESSAGE_BYTES) return true;
        p.reject(new TypeError("Value too large (max 65536 bytes)"));
      });
      try {
        if (backlogSize > maxBacklog) await applied(() => backlogSize <= maxBacklog);
        const results = await decide(ok);
        ok.forEach((p, i) => p.resolve(results[i]));
        applySoon();
      } catch (error) {
        fail(error);
        for (const p of ok) p.reject(unavailable());
      } finally {
        deciding = new Set();
        done();
      }
    }
  }
  const kick = () => {
    if (draining || failure) return;
    // A microtask later, so the appends of one port message go in one batch.
    draining = Promise.resolve().then(drain).finally(() => (draining = undefined));
  };

  return {
    slots,
    append(input) {
      if (failure) return Promise.reject(unavailable());
      return new Promise<AppendResult>((resolve, reject) => {
        const waiting = queue.get(input.room);
        const pending = { input, bytes: inputBytes(input), resolve, reject };
        if (waiting) waiting.push(pending);
        else queue.set(input.room, [pending]);
        kick();
      });
    },
    async lock(room) {
      const holders = locks.get(room) ?? locks.set(room, []).get(room)!;
      const before = holders.at(-1)?.released;
      const { promise: released, resolve: release } = Promise.withResolvers<void>();
      holders.push({ released, release });
      await before;
      while (deciding.has(room)) await decided;
      await applied(() => !backlogs.has(room), room);
    },
    async synced(room) {
      const last = memory.get(room)?.seq ?? 0;
      await applied(() => !((backlogs.get(room)?.items[0]?.message.seq ?? Infinity) <= last), room);
    },
    unlock(room) {
      memory.forget(room);
      const holders = locks.get(room);
      holders?.shift()?.release();
      if (holders?.length === 0) locks.delete(room);
      if (queue.has(room)) kick();
    },
    async close() {
      while (draining) await draining;
      await applied(() => backlogs.size === 0).catch(() => {});
      clearTimeout(timer);
      journal.close();
    },
  };
}
