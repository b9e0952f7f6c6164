/**
 * One writer for a KV file's message appends, however many workers serve it. SQLite lets one
 * connection write at a time: two handles committing to one file wait on each other's lock ("database
 * is locked", then a retry), and each commits smaller batches than one would. `lib/ops/server.ts` holds the
 * file's appender in its main thread, which serves nothing else, and hands each worker a MessagePort
 * to it; a worker's store sends its appends there instead of committing them itself. On a file, the
 * writer acks from its journal (journal.ts, journal_append.ts) and holds the file alone; a worker's
 * reads wait for what was acked (journal_slots.ts), and its changes take the room at the writer
 * first (journal_reads.ts). Under `deno serve` there is no main thread to hold it, and each isolate
 * commits its own appends (`kvAppender`).
 *
 * The appends of one event-loop turn travel together each way.
 */
import type { AppendResult, NewMessage } from "../types.ts";
import { kvAppender } from "./append.ts";
import { storedMessage } from "./chunks.ts";
import { retryWhileLocked } from "./retry.ts";
import { journalDir, lockAsWriter } from "./journal.ts";
import { journalAppender, type JournalOptions } from "./journal_append.ts";
import { replayJournal } from "./journal_apply.ts";
import { JournalSlots } from "./journal_slots.ts";
import { toChunkLayout } from "./legacy.ts";
import {
  StoreConflictError,
  StoreError,
  StoreForbiddenError,
  StoreInvalidError,
  StoreNotFoundError,
  StoreUnavailableError,
} from "../errors.ts";

/** What `kvAppender`, `journalAppender` and `remoteAppender` are; a journal's also locks rooms. */
export interface Appender {
  append(input: NewMessage): Promise<AppendResult>;
  lock?(room: string): Promise<void>;
  unlock?(room: string): void;
  synced?(room: string): Promise<void>;
  slots?: JournalSlots;
}

interface Failure {
  name: string;
  code?: string;
  message: string;
}
/**
 * A new message comes back as its seq, id and time alone: the worker rebuilds it from the input it
 * sent, as the writer built it (`storedMessage`), so only a duplicate's stored message is cloned.
 */
type Answer =
  | { n: number; seq: number; id: string; at: string }
  | { n: number; result: AppendResult }
  | { n: number; error: Failure }
  | { n: number; done: true };
type Request =
  | { n: number; input: NewMessage }
  | { n: number; lock: string }
  | { unlock: string }
  | { n: number; synced: string };
/** The writer's first message on a port: the journal's shared slots, or null without a journal. */
type Hello = { slots: SharedArrayBuffer | null };

/** An error as it crosses a MessagePort: its class by name, its code and its message. */
export function describeError(error: unknown): Failure {
  if (error instanceof StoreError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** The error `describeError` described, of the same class where it is one the callers look for. */
export function reviveError(f: Failure): Error {
  const code = f.code ?? "internal";
  switch (f.name) {
    case "StoreUnavailableError":
      return new StoreUnavailableError(f.message);
    case "StoreConflictError":
      return new StoreConflictError(code, f.message);
    case "StoreForbiddenError":
      return new StoreForbiddenError(code, f.message);
    case "StoreNotFoundError":
      return new StoreNotFoundError(code, f.message);
    case "StoreInvalidError":
      return new StoreInvalidError(code, f.message);
    case "TypeError":
      return new TypeError(f.message);
    case "RangeError":
      return new RangeError(f.message);
    default:
      return new Error(f.message);
  }
}

/**
 * The main thread's side: appends arriving on `port` go to `appender`, and their answers go back,
 * those of one turn in one message. With a journal, its slots go first, and room locks are served.
 *
 * @example
 * const { port1, port2 } = new MessageChannel();
 * serveAppends(kvAppender(kv), port1);
 * worker.postMessage({ t: "init", appends: port2 }, [port2]);
 */
export function serveAppends(appender: Appender, port: MessagePort): void {
  let due: Answer[] = [];
  const flush = () => {
    const answers = due;
    due = [];
    port.postMessage(answers);
  };
  const answer = (a: Answer) => {
    if (due.push(a) === 1) queueMicrotask(flush);
  };
  port.postMessage({ slots: appender.slots?.buffer ?? null } satisfies Hello);
  port.onmessage = (event: MessageEvent<Request[]>) => {
    for (const request of event.data) {
      if ("unlock" in request) {
        appender.unlock?.(request.unlock);
        continue;
      }
      const { n } = request;
      if ("lock" in request || "synced" in request) {
        const done = "lock" in request ? appender.lock?.(request.lock) : appender.synced?.(request.synced);
        (done ?? Promise.resolve()).then(
          () => answer({ n, done: true }),
          (error) => answer({ n, error: describeError(error) }),
        );
        continue;
      }
      appender.append(request.input).then(
        (result) =>
          answer(
            result.duplicate
              ? { n, result }
              : { n, seq: result.message.seq, id: result.message.id, at: result.message.at },
          ),
        (error) => answer({ n, error: describeError(error) }),
      );
    }
  };
}

/** A worker's appender: `synced(room)` resolves once KV holds every acked message of the room. */
export interface RemoteAppender extends Appender {
  synced(room: string): Promise<void>;
  /** The journal's backlog; undefined without a journal (or before the writer's first message came). */
  backlog(): number | undefined;
  /** Runs `write` (a change or an import that moves `room`'s counter) holding the room at the writer. */
  holding<T>(room: string, write: () => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * A worker's side: an appender whose commits happen in the thread at the other end of `port`.
 * `close` fails what is still waiting (the store is closing).
 *
 * @example
 * const appender = remoteAppender(port);
 * const { message } = await appender.append(input);
 */
export function remoteAppender(port: MessagePort): RemoteAppender {
  let next = 0;
  type Waiting = { resolve(r: AppendResult | null): void; reject(e: Error): void; input?: NewMessage };
  const waiting = new Map<number, Waiting>();
  let out: Request[] = [];
  let hello!: (slots: JournalSlots | null) => void;
  let known: JournalSlots | null = null;
  const slots = new Promise<JournalSlots | null>((resolve) => (hello = resolve)).then((s) => (known = s));
  const flush = () => {
    const requests = out;
    out = [];
    port.postMessage(requests);
  };
  const post = (request: Request) => {
    if (out.push(request) === 1) queueMicrotask(flush);
  };
  port.onmessage = (event: MessageEvent<Answer[] | Hello>) => {
    if (!Array.isArray(event.data)) {
      const buffer = event.data.slots;
      return hello(buffer ? new JournalSlots(buffer) : null);
    }
    for (const a of event.data) {
      const w = waiting.get(a.n);
      if (!w) continue;
      waiting.delete(a.n);
      if ("error" in a) w.reject(reviveError(a.error));
      else if ("done" in a) w.resolve(null);
      else if ("result" in a) w.resolve(a.result);
      else w.resolve({ message: storedMessage(w.input!, a.seq, a.at, a.id), duplicate: false });
    }
  };
  const ask = <T>(make: (n: number) => Request, input?: NewMessage) =>
    new Promise<T>((resolve, reject) => {
      const n = next++;
      waiting.set(n, { resolve: resolve as (r: AppendResult | null) => void, reject, input });
      post(make(n));
    });
  return {
    append(input) {
      return ask<AppendResult>((n) => ({ n, input }), input);
    },
    backlog: () => known?.backlog(),
    async synced(room) {
      if ((await slots)?.behind(room)) await ask<null>((n) => ({ n, synced: room }));
    },
    async holding(room, write) {
      if (!(await slots)) return await write();
      await ask<null>((n) => ({ n, lock: room }));
      try {
        return await write();
      } finally {
        post({ unlock: room });
      }
    },
    close() {
      port.close();
      hello(null);
      for (const w of waiting.values()) w.reject(new StoreUnavailableError("the store is closing"));
      waiting.clear();
    },
  };
}

/** Whether `path` names a file a journal can sit beside (not Deno's default, not `:memory:`). */
const onDisk = (path?: string): path is string => !!path && path !== ":memory:";

/**
 * The one writer of the KV file at `path`, for `lib/ops/server.ts`'s main thread: `connect()` makes a port
 * for one worker (give it to `openKvStore(path, { appends })` there). On a file, with its journal
 * (journal.ts): the file is locked for this process, and the journal replayed into KV first.
 * `broken` is told if the journal cannot be written any more (end the process: no ack can be given).
 *
 * @example
 * const writer = await openKvWriter("./data/parley.kv");
 * const port = writer.connect();
 */
export async function openKvWriter(
  path?: string,
  broken?: (error: Error) => void,
  options?: JournalOptions,
): Promise<{ connect(): MessagePort; close(): Promise<void> }> {
  const lock = onDisk(path) ? await lockAsWriter(path) : undefined;
  const kv = await retryWhileLocked(() => Deno.openKv(path));
  let appender: Appender & { close?(): Promise<void> };
  try {
    // A file from before chunks is moved here, before any append: the moves seed clientId segments,
    // which the journal's commits write too (legacy.ts). The workers then find it done.
    await retryWhileLocked(() => toChunkLayout(kv));
    appender = onDisk(path)
      ? await journalAppender(kv, path, await replayJournal(kv, journalDir(path)), broken, options)
      : kvAppender(kv);
  } catch (error) {
    kv.close();
    await lock?.release();
    throw error;
  }
  const ports: MessagePort[] = [];
  return {
    connect() {
      const { port1, port2 } = new MessageChannel();
      serveAppends(appender, port1);
      ports.push(port1);
      return port2;
    },
    async close() {
      for (const port of ports) port.close();
      await appender.close?.();
      kv.close();
      await lock?.release();
    },
  };
}
