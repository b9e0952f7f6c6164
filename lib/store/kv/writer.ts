/**
 * One writer for a KV file's message appends, however many workers serve it. SQLite lets one
 * connection write at a time: two handles committing to one file wait on each other's lock ("database
 * is locked", then a retry), and each commits smaller batches than one would. `lib/ops/server.ts` holds the
 * file's appender in its main thread, which serves nothing else, and hands each worker a MessagePort
 * to it; a worker's store sends its appends there instead of committing them itself. Everything
 * else (reads, changes, rooms, accounts) each handle still does itself: those are rare next to
 * messages, and the appender's counter check sees any room they moved. Under `deno serve` there is
 * no main thread to hold it, and each isolate commits its own appends (`kvAppender`).
 *
 * An append still resolves only after the commit that holds it: the main thread answers once the
 * appender has, and the appends of one event-loop turn travel together each way.
 */
import type { AppendResult, NewMessage } from "../types.ts";
import { kvAppender } from "./append.ts";
import { storedMessage } from "./chunks.ts";
import { retryWhileLocked } from "./retry.ts";
import {
  StoreConflictError,
  StoreError,
  StoreForbiddenError,
  StoreInvalidError,
  StoreNotFoundError,
  StoreUnavailableError,
} from "../errors.ts";

/** What `kvAppender` and `remoteAppender` both are. */
export interface Appender {
  append(input: NewMessage): Promise<AppendResult>;
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
  | { n: number; error: Failure };
type AppendRequest = { n: number; input: NewMessage };

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
 * those of one turn in one message.
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
  port.onmessage = (event: MessageEvent<AppendRequest[]>) => {
    for (const { n, input } of event.data) {
      appender.append(input).then(
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

/**
 * A worker's side: an appender whose commits happen in the thread at the other end of `port`.
 * `close` fails what is still waiting (the store is closing).
 *
 * @example
 * const appender = remoteAppender(port);
 * const { message } = await appender.append(input);
 */
export function remoteAppender(port: MessagePort): Appender & { close(): void } {
  let next = 0;
  const waiting = new Map<
    number,
    { input: NewMessage; resolve(r: AppendResult): void; reject(e: Error): void }
  >();
  let out: AppendRequest[] = [];
  const flush = () => {
    const requests = out;
    out = [];
    port.postMessage(requests);
  };
  port.onmessage = (event: MessageEvent<Answer[]>) => {
    for (const a of event.data) {
      const w = waiting.get(a.n);
      if (!w) continue;
      waiting.delete(a.n);
      if ("error" in a) w.reject(reviveError(a.error));
      else if ("result" in a) w.resolve(a.result);
      else w.resolve({ message: storedMessage(w.input, a.seq, a.at, a.id), duplicate: false });
    }
  };
  return {
    append(input) {
      return new Promise<AppendResult>((resolve, reject) => {
        const n = next++;
        waiting.set(n, { input, resolve, reject });
        if (out.push({ n, input }) === 1) queueMicrotask(flush);
      });
    },
    close() {
      port.close();
      for (const w of waiting.values()) w.reject(new StoreUnavailableError("the store is closing"));
      waiting.clear();
    },
  };
}

/**
 * The one writer of the KV file at `path`, for `lib/ops/server.ts`'s main thread: `connect()` makes a port
 * for one worker (give it to `openKvStore(path, { appends })` there).
 *
 * @example
 * const writer = await openKvWriter("./data/parley.kv");
 * const port = writer.connect();
 */
export async function openKvWriter(path?: string): Promise<{ connect(): MessagePort; close(): void }> {
  const kv = await retryWhileLocked(() => Deno.openKv(path));
  const appender = kvAppender(kv);
  const ports: MessagePort[] = [];
  return {
    connect() {
      const { port1, port2 } = new MessageChannel();
      serveAppends(appender, port1);
      ports.push(port1);
      return port2;
    },
    close() {
      for (const port of ports) port.close();
      kv.close();
    },
  };
}
