/**
 * Message appends on Deno KV, batched: every append waiting while a commit is in flight goes into the
 * next commit, one atomic operation for many messages (and many rooms). One commit per message costs a
 * SQLite transaction each, which capped a store at a few hundred appends a second; batched, the cost
 * is shared and an idle store still commits a lone append at once.
 *
 * Guarantees kept per message: seqs are consecutive per room (each room's counter is checked by its
 * versionstamp, so a batch from another isolate that moved it makes this one go again), (author,
 * clientId) is unique (each new idempotency key is checked, and repeats inside one batch get the first
 * one's message), and an append resolves only after its commit.
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

type IdemValue = { room: string; seq: number };

interface Pending {
  input: NewMessage;
  /** A rough upper bound of the stored size (V8 serialization, two bytes per character at worst). */
  bytes: number;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** The key under which an append's (author, clientId) is remembered. */
export function idemKey(authorId: string, clientId: string): Deno.KvKey {
  return ["msgByClient", authorId, clientId];
}

/** Builds the stored form of a message at `seq`. */
export function storedMessage(input: NewMessage, seq: number, at = new Date().toISOString()): Message {
  return withoutUndefined({
    id: ulid(),
    seq,
    room: input.room,
    kind: input.kind,
    author: { id: input.author.id, name: input.author.name, role: input.author.role },
    text: input.text,
    program: input.program,
    private: input.private || undefined,
    at,
  });
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
 * writer moved a counter or claimed a clientId first) and the batch must be read and tried again.
 */
async function attempt(kv: Deno.Kv, inputs: NewMessage[]): Promise<AppendResult[] | undefined> {
  const rooms = [...new Set(inputs.map((i) => i.room))];
  const idemIds = [...new Set(inputs.map((i) => `${i.author.id}\u0000${i.clientId}`))];
  const [counters, idems] = await Promise.all([
    getAll<number>(kv, rooms.map((r) => ["roomSeq", r])),
    getAll<IdemValue>(kv, idemIds.map((id) => idemKey(...(id.split("\u0000") as [string, string])))),
  ]);
  const next = new Map(rooms.map((r, i) => [r, counters[i].value ?? 0]));
  const idemEntry = new Map(idemIds.map((id, i) => [id, idems[i]]));
  // Messages stored before (a retry): read them back; their keys never change, so no check is needed.
  const earlier = new Map<string, Message>();
  const stored = idemIds.filter((id) => idemEntry.get(id)!.value);
  const old = await getAll<Message>(
    kv,
    stored.map((id) => {
      const v = idemEntry.get(id)!.value!;
      return ["msg", v.room, v.seq];
    }),
  );
  stored.forEach((id, i) => old[i].value && earlier.set(id, old[i].value!));

  const op = kv.atomic();
  const results: AppendResult[] = [];
  const fresh = new Map<string, Message>();
  const at = new Date().toISOString();
  for (const input of inputs) {
    const id = `${input.author.id}\u0000${input.clientId}`;
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
    op.check(idemEntry.get(id)!)
      .set(["msg", input.room, seq], message)
      .set(idemKey(input.author.id, input.clientId), { room: input.room, seq });
  }
  if (fresh.size === 0) return results;
  rooms.forEach((room, i) => {
    const seq = next.get(room)!;
    if (seq !== (counters[i].value ?? 0)) op.check(counters[i]).set(["roomSeq", room], seq);
  });
  return (await op.commit()).ok ? results : undefined;
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
  const queue: Pending[] = [];
  let running = false;

  /** Takes the longest head of the queue that fits one atomic operation. */
  function take(): Pending[] {
    const rooms = new Set<string>();
    let checks = 0, bytes = 0, n = 0;
    for (; n < queue.length; n++) {
      const p = queue[n];
      const more = 1 + (rooms.has(p.input.room) ? 0 : 1);
      if (n > 0 && (checks + more > MAX_CHECKS || bytes + p.bytes > MAX_BYTES)) break;
      checks += more;
      bytes += p.bytes;
      rooms.add(p.input.room);
    }
    return queue.splice(0, n);
  }

  /**
   * Stores a batch; when another writer moved one of its rooms' counters first, the batch is split
   * by room and each half goes again on its own, so one contended room does not hold back (or keep
   * failing) a commit of many others (isolates share rooms: each holds some of every room's sockets).
   */
  async function store(inputs: NewMessage[]): Promise<AppendResult[]> {
    const rooms = [...new Set(inputs.map((i) => i.room))];
    if (rooms.length === 1) return await retryAtomic(() => attempt(kv, inputs));
    const first = await retryAtomic(() => attempt(kv, inputs).then((r) => r ?? null));
    if (first) return first;
    const left = new Set(rooms.slice(0, rooms.length >> 1));
    const halves = [inputs.filter((i) => left.has(i.room)), inputs.filter((i) => !left.has(i.room))];
    const [a, b] = await Promise.all(halves.map(store));
    let ia = 0, ib = 0;
    return inputs.map((i) => left.has(i.room) ? a[ia++] : b[ib++]);
  }

  async function commit(batch: Pending[]): Promise<void> {
    try {
      const results = await store(batch.map((p) => p.input));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // One bad message (too large for KV, say) must not fail its neighbours: each on its own.
      for (const p of batch) await commit([p]);
    }
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length) await commit(take());
    } finally {
      running = false;
    }
  }

  return {
    append(input) {
      return new Promise<AppendResult>((resolve, reject) => {
        const bytes = 512 + 2 * ((input.text?.length ?? 0) + JSON.stringify(input.program ?? "").length);
        queue.push({ input, bytes, resolve, reject });
        if (!running) drain();
      });
    },
  };
}

/** Messages per atomic write of an import: two mutations each, well inside KV's 1,000 and 800 KB. */
const IMPORT_CHUNK = 400;

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
      op.set(["msg", room, seq], message).set(idemKey(input.author.id, input.clientId), { room, seq });
    }
    if (!(await op.set(["roomSeq", room], seq).commit()).ok) {
      throw new Error(`importMessages: room ${room} was appended to during the import`);
    }
  }
  return inputs.length;
}
