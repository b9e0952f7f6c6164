/**
 * Message appends on Deno KV, group-committed: every append waiting while a commit is in flight goes
 * into the next commit, one atomic operation for many messages of many rooms. One commit per message
 * costs a SQLite transaction each (~3,500 a second here); 50 or more per commit, ~70,000. An idle
 * store still commits a lone append at once: nothing waits for a batch to fill.
 *
 * No read on the usual path. Each handle remembers every room counter it last saw (its value and
 * versionstamp); a commit checks each of its rooms' counters against that versionstamp, and each new
 * (room, author, clientId) key against "absent". When another handle (isolate, process) moved a
 * counter or stored a clientId first, the check fails, nothing is written, and the batch goes again
 * the careful way: counters and clientIds read, earlier messages returned as duplicates.
 *
 * Guarantees kept per message: seqs are consecutive per room, (room, author, clientId) is unique
 * (repeats inside one batch get the first one's message), and an append resolves only after the
 * commit holding it.
 */
import { monotonicFactory } from "ulid";
import type { Message } from "@/lib/shared/protocol.ts";
import type { AppendResult, NewMessage } from "../types.ts";
import { retryAtomic } from "./retry.ts";
import { withoutUndefined } from "../records.ts";

const ulid = monotonicFactory();

/** Deno KV allows 100 checks, 1000 mutations and 819,200 bytes per atomic operation. */
const MAX_CHECKS = 100;
const MAX_BYTES = 600_000;
/** getMany reads at most 10 keys. */
const READ_CHUNK = 10;

type IdemValue = { seq: number };
/** A room counter as this handle last saw or wrote it. */
type Counter = { seq: number; versionstamp: string | null };

interface Pending {
  input: NewMessage;
  /** A rough upper bound of the stored size (V8 serialization, two bytes per character at worst). */
  bytes: number;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** The key under which an append's (room, author, clientId) is remembered. */
export function idemKey(room: string, authorId: string, clientId: string): Deno.KvKey {
  return ["msgByClient", room, authorId, clientId];
}

const idemId = (i: NewMessage) => `${i.room}\u0000${i.author.id}\u0000${i.clientId}`;

/** Builds the stored form of a message at `seq`. */
export function storedMessage(input: NewMessage, seq: number, at = new Date().toISOString()): Message {
  // Built field by field, not copied through `withoutUndefined`: this runs for every message.
  const { id, name, role } = input.author;
  const message: Message = {
    id: ulid(),
    seq,
    room: input.room,
    kind: input.kind,
    author: { id, name, role },
  } as Message;
  if (input.text !== undefined) message.text = input.text;
  if (input.program !== undefined) message.program = withoutUndefined(input.program);
  if (input.file !== undefined) message.file = input.file;
  if (input.private) message.private = true;
  message.at = at;
  return message;
}

async function getAll<T>(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<T>[]> {
  const chunks: Promise<Deno.KvEntryMaybe<T>[]>[] = [];
  for (let i = 0; i < keys.length; i += READ_CHUNK) {
    chunks.push(kv.getMany<T[]>(keys.slice(i, i + READ_CHUNK)));
  }
  return (await Promise.all(chunks)).flat();
}

/**
 * One attempt to store `inputs` in one atomic operation; `undefined` when a check failed (another
 * writer moved a counter or claimed a clientId first). `careful`: read every counter and clientId
 * first (after a failed check); otherwise trust `known` and read only rooms it has never seen.
 */
async function attempt(
  kv: Deno.Kv,
  known: Map<string, Counter>,
  inputs: NewMessage[],
  careful: boolean,
): Promise<AppendResult[] | undefined> {
  const rooms = [...new Set(inputs.map((i) => i.room))];
  const unknown = careful ? rooms : rooms.filter((r) => !known.has(r));
  if (unknown.length) {
    const entries = await getAll<number>(kv, unknown.map((r) => ["roomSeq", r]));
    unknown.forEach((r, i) =>
      known.set(r, { seq: entries[i].value ?? 0, versionstamp: entries[i].versionstamp })
    );
  }
  // Messages stored before (a retry): read back. Their keys never change, so no check is needed.
  const earlier = new Map<string, Message>();
  if (careful) {
    const ids = [...new Map(inputs.map((i) => [idemId(i), i])).values()];
    const idems = await getAll<IdemValue>(kv, ids.map((i) => idemKey(i.room, i.author.id, i.clientId)));
    const stored = ids.filter((_, n) => idems[n].value);
    const old = await getAll<Message>(
      kv,
      stored.map((i) => ["msg", i.room, idems[ids.indexOf(i)].value!.seq]),
    );
    stored.forEach((i, n) => old[n].value && earlier.set(idemId(i), old[n].value!));
  }

  const op = kv.atomic();
  const next = new Map(rooms.map((r) => [r, known.get(r)!.seq]));
  const results: AppendResult[] = [];
  const fresh = new Map<string, Message>();
  const at = new Date().toISOString();
  for (const input of inputs) {
    const id = idemId(input);
    const prior = earlier.get(id) ?? fresh.get(id);
    if (prior) {
      results.push({ message: prior, duplicate: true });
      continue;
    }
    const seq = next.get(input.room)! + 1;
    next.set(input.room, seq);
    const message = storedMessage(input, seq, at);
    fresh.set(id, message);
    results.push({ message, duplicate: false });
    const key = idemKey(input.room, input.author.id, input.clientId);
    op.check({ key, versionstamp: null }).set(["msg", input.room, seq], message)
      .set(["msgId", input.room, message.id], seq).set(key, { seq });
  }
  if (fresh.size === 0) return results;
  const moved = rooms.filter((r) => next.get(r) !== known.get(r)!.seq);
  for (const room of moved) {
    op.check({ key: ["roomSeq", room], versionstamp: known.get(room)!.versionstamp })
      .set(["roomSeq", room], next.get(room)!);
  }
  const res = await op.commit();
  if (!res.ok) {
    for (const room of rooms) known.delete(room);
    return undefined;
  }
  for (const room of moved) known.set(room, { seq: next.get(room)!, versionstamp: res.versionstamp });
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
export function kvAppender(kv: Deno.Kv): { append(input: NewMessage): Promise<AppendResult> } {
  /** Waiting appends by room, rooms in the order of their oldest append (a Map keeps insertion order). */
  const queue = new Map<string, Pending[]>();
  const known = new Map<string, Counter>();
  let running = false;

  /**
   * Whole rooms, oldest first, while they fit one atomic operation (a check per message and one per
   * room): a room with 8 waiting costs 9 checks where 8 rooms with one each cost 16.
   */
  function take(): Pending[] {
    const batch: Pending[] = [];
    let checks = 0, bytes = 0;
    for (const [room, waiting] of queue) {
      let n = 0;
      for (; n < waiting.length; n++) {
        const more = n === 0 ? 2 : 1;
        if (batch.length > 0 && (checks + more > MAX_CHECKS || bytes + waiting[n].bytes > MAX_BYTES)) break;
        checks += more;
        bytes += waiting[n].bytes;
        batch.push(waiting[n]);
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
    const first = await retryAtomic(() => attempt(kv, known, inputs, careful).then((r) => r ?? null));
    if (first) return first;
    const rooms = [...new Set(inputs.map((i) => i.room))];
    if (rooms.length === 1) return await retryAtomic(() => attempt(kv, known, inputs, true));
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
      for (const p of batch) known.delete(p.input.room);
      if (batch.length === 1) return batch[0].reject(error);
      // One bad message (too large for KV, say) must not fail its neighbours: each on its own.
      for (const p of batch) await commit([p]);
    }
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.size) await commit(take());
    } finally {
      running = false;
    }
  }

  return {
    append(input) {
      return new Promise<AppendResult>((resolve, reject) => {
        const bytes = 512 +
          2 * ((input.text?.length ?? 0) + JSON.stringify(input.program ?? input.file ?? "").length);
        const waiting = queue.get(input.room);
        const pending = { input, bytes, resolve, reject };
        if (waiting) waiting.push(pending);
        else queue.set(input.room, [pending]);
        if (!running) drain();
      });
    },
  };
}

/** Messages per atomic write of an import: three mutations each, well inside KV's 1,000 and 800 KB. */
const IMPORT_CHUNK = 300;

/**
 * Bulk load (see `Store.importMessages`): consecutive seqs after the room's counter, written
 * `IMPORT_CHUNK` at a time; each write checks the counter, so a racing append fails the import
 * rather than leaving a gap.
 *
 * @example
 * await importKvMessages(kv, inputs);
 */
export async function importKvMessages(kv: Deno.Kv, inputs: NewMessage[]): Promise<number> {
  if (inputs.length === 0) return 0;
  const room = inputs[0].room;
  const at = new Date().toISOString();
  for (let i = 0; i < inputs.length; i += IMPORT_CHUNK) {
    const counter = await kv.get<number>(["roomSeq", room]);
    let seq = counter.value ?? 0;
    const op = kv.atomic().check(counter);
    for (const input of inputs.slice(i, i + IMPORT_CHUNK)) {
      if (input.room !== room) throw new TypeError("importMessages takes messages of one room");
      const message = storedMessage(input, ++seq, at);
      op.set(["msg", room, seq], message).set(["msgId", room, message.id], seq)
        .set(idemKey(room, input.author.id, input.clientId), { seq });
    }
    if (!(await op.set(["roomSeq", room], seq).commit()).ok) {
      throw new Error(`importMessages: room ${room} was appended to during the import`);
    }
  }
  return inputs.length;
}
