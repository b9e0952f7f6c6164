/**
 * The KV store's appends alone, for before/after comparisons on one machine: `--handles` stores on
 * one file (as the isolates of `deno serve --parallel` have), `--rooms` rooms with one sender each
 * (a room's sender on one handle, as its socket is on one isolate), `--inflight` appends in flight
 * per room, closed loop. Prints appends/s, this process's CPU µs per append, and the atomic commits
 * (how many, messages per commit, mean and p99 ms), timed around `Deno.AtomicOperation.commit`.
 *
 * deno run -A scripts/kv_append_load.ts [--root=/path/to/another/checkout] [--rooms=100]
 *   [--inflight=8] [--seconds=5] [--handles=2]
 *   [--rate=200]   (open loop instead: this many appends a second over the rooms, one every
 *                   1000/rate ms; adds the append latency's p50, p99 and p99.9)
 */
import { parseArgs } from "node:util";
import { cpuUsage } from "node:process";

const { values: f } = parseArgs({
  args: Deno.args,
  options: {
    root: { type: "string", default: new URL("..", import.meta.url).pathname },
    rooms: { type: "string", default: "100" },
    inflight: { type: "string", default: "8" },
    seconds: { type: "string", default: "5" },
    handles: { type: "string", default: "2" },
    rate: { type: "string" },
  },
});
const rooms = Number(f.rooms), inflight = Number(f.inflight), seconds = Number(f.seconds);
const { openKvStore } = await import(
  new URL("lib/store/kv/mod.ts", `file://${f.root!.replace(/\/?$/, "/")}`).href
);
type Store = Awaited<ReturnType<typeof openKvStore>>;

const dir = await Deno.makeTempDir({ prefix: "parley-kv-append-" });
const stores: Store[] = [];
for (let i = 0; i < Number(f.handles); i++) stores.push(await openKvStore(`${dir}/store.kv`));

// Every commit of every handle, timed while the run lasts.
const commits: number[] = [];
let timing = false;
const probe = await Deno.openKv(":memory:");
const proto = Object.getPrototypeOf(probe.atomic());
const commit = proto.commit;
proto.commit = async function (this: Deno.AtomicOperation) {
  const started = performance.now();
  try {
    return await commit.call(this);
  } finally {
    if (timing) commits.push(performance.now() - started);
  }
};

const roomIds: string[] = [];
for (let r = 0; r < rooms; r++) {
  roomIds.push(
    (await stores[0].createRoom({ name: `Load ${r}`, visibility: "public", ownerId: "u-load" })).id,
  );
}
const text = "a message of a realistic length, about sixty characters long";
let appended = 0;
const cpu0 = cpuUsage();
const started = performance.now();
const deadline = started + seconds * 1000;
timing = true;
const latencies: number[] = [];
const authorOf = (r: number) => ({ id: `u-${r}`, name: `Sender ${r}`, role: "user" as const });
if (f.rate) {
  // Open loop: appends at a fixed pace whatever the store answers, each timed from its call.
  const every = 1000 / Number(f.rate);
  const pending: Promise<void>[] = [];
  for (let n = 0; performance.now() < deadline; n++) {
    const due = started + n * every;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    const r = n % rooms, t0 = performance.now();
    const input = {
      room: roomIds[r],
      kind: "text" as const,
      author: authorOf(r),
      clientId: crypto.randomUUID(),
      text,
    };
    pending.push(
      stores[r % stores.length].appendMessage(input).then(() => {
        latencies.push(performance.now() - t0);
        appended++;
      }),
    );
  }
  await Promise.all(pending);
}
await Promise.all(roomIds.flatMap((room, r) => {
  if (f.rate) return [];
  const store = stores[r % stores.length];
  const author = authorOf(r);
  return Array.from({ length: inflight }, async () => {
    while (performance.now() < deadline) {
      await store.appendMessage({ room, kind: "text", author, clientId: crypto.randomUUID(), text });
      appended++;
    }
  });
}));
timing = false;
const elapsed = (performance.now() - started) / 1000;
const cpu = cpuUsage(cpu0);
commits.sort((a, b) => a - b);
latencies.sort((a, b) => a - b);
const pct = (p: number) => Math.round((latencies[Math.floor(latencies.length * p)] ?? 0) * 100) / 100;
console.log(JSON.stringify({
  root: f.root,
  rooms,
  inflight,
  handles: stores.length,
  appendsPerSecond: Math.round(appended / elapsed),
  cpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100),
  cpuUsPerAppend: Math.round((cpu.user + cpu.system) / appended),
  commits: commits.length,
  messagesPerCommit: Math.round((appended / Math.max(1, commits.length)) * 10) / 10,
  commitMeanMs: Math.round((commits.reduce((a, b) => a + b, 0) / Math.max(1, commits.length)) * 100) / 100,
  commitP99Ms: Math.round((commits[Math.floor(commits.length * 0.99)] ?? 0) * 100) / 100,
  ...(f.rate
    ? { rate: Number(f.rate), appendP50Ms: pct(0.5), appendP99Ms: pct(0.99), appendP999Ms: pct(0.999) }
    : {}),
}));
for (const store of stores) await store.close();
probe.close();
await Deno.remove(dir, { recursive: true });
