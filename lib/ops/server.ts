/**
 * Parley's self-hosted entry (`deno task start`): one Worker per core (DENO_JOBS, else
 * `navigator.hardwareConcurrency`, as `deno serve --parallel`), each a `node:http` server with
 * `reusePort` on one port, WebSockets served by `ws` (which refuses an oversized frame from its
 * header; see docs/architecture.md, "Transports"). The workers' bus is a MessagePort between every
 * two of them (lib/bus/ports.ts), or Redis when set. SIGTERM/SIGINT: every worker closes its sockets
 * (1012) and services, then the process exits.
 *
 * Flags: `--host` (default 0.0.0.0) and `--port` (default PORT, else 8000; 0 picks a free one).
 */
import { parseArgs } from "node:util";
import { loadConfig } from "@/lib/ops/config.ts";
import { fatal } from "@/lib/ops/fatal.ts";
import type { FromWorker, ToWorker } from "@/lib/ops/worker.ts";
import { openKvWriter } from "@/lib/store/kv/writer.ts";
import { portMesh } from "@/lib/bus/ports.ts";

const GRACE_MS = 4_000;

/** The KV file as `openStore` finds it: its folder made, "" for Deno's default. */
async function openKvWriterAt(path: string) {
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  // A journal that cannot be written means no ack can be given: end, and replay on the next start.
  return await openKvWriter(path || undefined, (error) => fatal(`message journal: ${error.message}`));
}

const config = await Promise.resolve().then(() => loadConfig()).catch(fatal);
const { values } = parseArgs({
  args: Deno.args,
  options: { host: { type: "string" }, port: { type: "string" } },
});
const host = values.host ?? "0.0.0.0";
let port = values.port !== undefined ? Number(values.port) : config.port;
const jobs = Math.max(1, Number(Deno.env.get("DENO_JOBS")) || navigator.hardwareConcurrency || 1);

// On Deno KV, this thread is the file's one writer of messages (lib/store/kv/writer.ts): the workers'
// handles would otherwise take turns at SQLite's write lock. A file of its own per handle (":memory:")
// cannot share one.
const writer = !config.mongodbUri && config.kvPath !== ":memory:"
  ? await openKvWriterAt(config.kvPath).catch(fatal)
  : undefined;
const workers = Array.from(
  { length: jobs },
  () => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }),
);
const send = (worker: Worker, message: ToWorker) => worker.postMessage(message);
// The workers' bus: a MessagePort between every two of them (lib/bus/ports.ts), unless Redis carries it.
const mesh = config.redisUrl ? undefined : portMesh(jobs);
workers.forEach((worker, i) => {
  const appends = writer?.connect();
  const peers = mesh?.[i];
  worker.postMessage({ t: "init", appends, peers } satisfies ToWorker, [
    ...(appends ? [appends] : []),
    ...(peers ?? []),
  ]);
});
const next = (worker: Worker) =>
  new Promise<FromWorker>((resolve) =>
    worker.addEventListener("message", (e) => resolve(e.data), { once: true })
  );
for (const worker of workers) {
  worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
    if (e.data.t === "fatal") fatal(e.data.message);
  });
  // An error nobody caught in a worker ends the process, as in one `deno serve` isolate.
  worker.addEventListener("error", (e) => {
    e.preventDefault();
    fatal(e.message);
  });
}

// Every worker loads and opens its services at once, then listens. On port 0 the first binds (the
// kernel picks) and the others join it on that port.
const listen = (w: Worker) => (send(w, { t: "listen", host, port }), next(w));
await Promise.all(workers.map(next));
if (port === 0) port = ((await listen(workers[0])) as { port: number }).port;
else await listen(workers[0]);
await Promise.all(workers.slice(1).map(listen));
console.log(`parley: Listening on http://${host}:${port}/ with ${jobs} workers`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  Deno.unrefTimer(setTimeout(() => Deno.exit(0), GRACE_MS));
  await Promise.all(workers.map((w) => (send(w, { t: "stop" }), next(w))));
  Deno.exit(0);
};
for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(signal, () => void stop());
