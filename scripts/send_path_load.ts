/**
 * A short closed-loop load on the send path, for before/after comparisons on one machine (the full,
 * side-by-side figures come from `deno task bench`): N rooms × (R readers + 1 sender), K sends in
 * flight per room, every message stored before its ack. Prints deliveries/s (message frames' lines
 * received by every socket in the room, the sender's included), ack latency percentiles and the
 * server's CPU, in all and per thread (workers, the main thread holding the KV writer, SQLite's, V8's).
 *
 * deno run -A scripts/send_path_load.ts --rooms=100 --readers=5 --inflight=8 --seconds=8
 *   [--root=/path/to/another/checkout] [--prof=/tmp/prof]   (--cpu-prof of each isolate)
 *   [--transport=ws|native]   (default: ws, `lib/ops/server.ts` as `deno task start`, when the checkout has it
 *                              and no --prof; native: `deno serve --parallel main.ts`)
 *   [--rate=200]   (open loop: this many sends a second spread over the rooms, for latency)
 */
import { parseArgs } from "node:util";

const { values: f } = parseArgs({
  args: Deno.args,
  options: {
    rooms: { type: "string", default: "100" },
    readers: { type: "string", default: "5" },
    inflight: { type: "string", default: "8" },
    seconds: { type: "string", default: "8" },
    root: { type: "string", default: new URL("..", import.meta.url).pathname },
    prof: { type: "string" },
    rate: { type: "string" },
    jobs: { type: "string", default: "2" },
    transport: { type: "string" },
  },
});
const rooms = Number(f.rooms), readers = Number(f.readers), inflight = Number(f.inflight);
const seconds = Number(f.seconds);

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const port = (listener.addr as Deno.NetAddr).port;
listener.close();
const dir = await Deno.makeTempDir({ prefix: "parley-load-" });
const hasServer = (() => {
  try {
    return Deno.statSync(`${f.root}/lib/ops/server.ts`).isFile;
  } catch {
    return false;
  }
})();
// `--cpu-prof` profiles only the main thread of lib/ops/server.ts, not its workers: a profile needs the
// isolates of `deno serve --parallel`, whose send path is the same code.
const native = (f.transport ?? (hasServer && !f.prof ? "ws" : "native")) === "native";
const at = ["--host", "127.0.0.1", "--port", String(port)];
const prof = f.prof ? ["--cpu-prof", `--cpu-prof-dir=${f.prof}`] : [];
console.error(
  `server: ${native ? "deno serve --parallel main.ts (native)" : "lib/ops/server.ts (ws)"} in ${f.root}`,
);
const child = new Deno.Command(Deno.execPath(), {
  args: native
    ? ["serve", "--parallel", "-A", ...at, ...prof, "main.ts"]
    : ["run", "-A", ...prof, "lib/ops/server.ts", ...at],
  cwd: f.root,
  env: {
    LOG_LEVEL: "error",
    KV_PATH: `${dir}/parley.kv`,
    DENO_JOBS: f.jobs!,
    RATE_BURST: "1000000",
    RATE_PER_SECOND: "1000000",
    GUEST_SESSIONS_PER_MINUTE: "100000",
    ROOMS_PER_MINUTE: "100000",
    MAX_SOCKETS_PER_SESSION: "1000",
    MAX_SOCKETS_PER_ADDRESS: "100000",
    ROOMS_PER_USER_PER_HOUR: "100000",
    ROOMS_PER_ADDRESS_PER_HOUR: "100000",
    JOINS_PER_SECOND: "100000",
  },
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 200; i++) {
  try {
    if ((await fetch(`${url}/healthz`).then((r) => (r.body?.cancel(), r.status))) === 200) break;
  } catch { /* not yet */ }
  await new Promise((r) => setTimeout(r, 100));
}

async function post(path: string, body: unknown, cookie?: string) {
  const res = await fetch(url + path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  return { json, cookie: res.headers.get("set-cookie")?.split(";")[0] };
}

function open(cookie: string): Promise<WebSocket> {
  // @ts-ignore: Deno's WebSocket takes headers
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws`, { headers: { cookie } });
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = (e) => reject(e);
  });
}

let deliveries = 0;
const latencies: number[] = [];
let measuring = false;
const senders: { ws: WebSocket; room: string; sent: Map<string, number>; n: number }[] = [];
for (let r = 0; r < rooms; r++) {
  const owner = await post("/api/session", { nickname: `s${r}` });
  const room = (await post(
    "/api/rooms",
    { name: `load-${r}-${crypto.randomUUID().slice(0, 6)}`, visibility: "public" },
    owner.cookie,
  )).json;
  const sockets: WebSocket[] = [];
  for (let i = 0; i <= readers; i++) {
    const cookie = i === 0 ? owner.cookie! : (await post("/api/session", { nickname: `r${r}x${i}` })).cookie!;
    const ws = await open(cookie);
    const joined = new Promise<void>((resolve) => {
      ws.addEventListener("message", (e) => {
        const data = e.data as string;
        if (data.startsWith('{"type":"joined"')) resolve();
        if (!measuring) return;
        let at = data.indexOf('"type":"message"');
        while (at >= 0) {
          deliveries++;
          at = data.indexOf('"type":"message"', at + 16);
        }
      });
    });
    ws.send(JSON.stringify({ type: "join", room: room.id }));
    await joined;
    sockets.push(ws);
  }
  const sender = { ws: sockets[0], room: room.id, sent: new Map<string, number>(), n: 0 };
  senders.push(sender);
}

const send = (s: typeof senders[number]) => {
  const clientId = `c${s.n++}`;
  s.sent.set(clientId, performance.now());
  s.ws.send(JSON.stringify({ type: "send", room: s.room, clientId, text: `hello ${s.n}` }));
};
let open_loop: ReturnType<typeof setInterval> | undefined;
for (const s of senders) {
  s.ws.addEventListener("message", (e) => {
    // A frame may carry several objects, one per line (acks of one commit share a frame).
    for (const line of (e.data as string).split("\n")) {
      if (!line.startsWith('{"type":"ack"')) continue;
      const ack = JSON.parse(line);
      const t0 = s.sent.get(ack.clientId);
      s.sent.delete(ack.clientId);
      if (measuring && t0 !== undefined) latencies.push(performance.now() - t0);
      if (!f.rate) send(s);
    }
  });
}
/** The server's CPU time so far (every isolate is a thread of the one process), in ms. */
function serverCpuMs(): number {
  const fields = Deno.readTextFileSync(`/proc/${child.pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
}
/** CPU time so far per thread name (worker-1, the main thread "deno", SQLite's, V8's), in ms. */
function threadCpuMs(): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of Deno.readDirSync(`/proc/${child.pid}/task`)) {
    try {
      const dir = `/proc/${child.pid}/task/${task.name}`;
      const name = Deno.readTextFileSync(`${dir}/comm`).trim();
      const fields = Deno.readTextFileSync(`${dir}/stat`).split(") ")[1].split(" ");
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
    } catch { /* the thread ended */ }
  }
  return byName;
}
measuring = true;
const started = performance.now();
const cpu0 = serverCpuMs();
const threads0 = threadCpuMs();
if (f.rate) {
  // Open loop: a tick every 5 ms sends rate/200 messages, round robin over the rooms.
  let next = 0, owed = 0;
  open_loop = setInterval(() => {
    owed += Number(f.rate) / 200;
    for (; owed >= 1; owed--) send(senders[next++ % senders.length]);
  }, 5);
} else {
  for (const s of senders) for (let i = 0; i < inflight; i++) send(s);
}
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
clearInterval(open_loop);
const elapsed = (performance.now() - started) / 1000;
const cpuMs = serverCpuMs() - cpu0;
const threads = [...threadCpuMs()].map(([name, ms]) => [name, ms - (threads0.get(name) ?? 0)] as const)
  .filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(2);
console.log(JSON.stringify({
  rooms,
  readers,
  inflight: f.rate ? null : inflight,
  rate: f.rate ? Number(f.rate) : null,
  root: f.root,
  deliveriesPerSecond: Math.round(deliveries / elapsed),
  acksPerSecond: Math.round(latencies.length / elapsed),
  p50: pct(0.5),
  p99: pct(0.99),
  serverCpuPercent: Math.round((cpuMs / 1000 / elapsed) * 100),
  serverCpuUsPerMessage: Math.round((cpuMs * 1000) / Math.max(1, latencies.length)),
  // Threads of one name summed (two "V8 DefaultWorker"s); a thread that ended meanwhile is missing.
  serverCpuPercentByThread: Object.fromEntries(
    threads.map(([name, ms]) => [name, Math.round((ms / 1000 / elapsed) * 100)]),
  ),
}));
for (const s of senders) s.ws.close();
child.kill("SIGTERM");
await child.status;
await Deno.remove(dir, { recursive: true });
Deno.exit(0);
