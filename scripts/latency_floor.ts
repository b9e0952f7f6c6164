/**
 * The floor under Parley's latency at a light load (one event every 5 ms, as 200 msg/s): what each
 * step of an acked send costs on this machine with nothing else of Parley around it.
 *
 * - `timer`: nothing but the 5 ms wait (its lateness, and the CPU of a timer's wake): the baseline.
 * - `sync`: a journal record's write and `fdatasync` (lib/store/kv/journal.ts), on $TMPDIR's disk.
 * - `port`: a round trip over a MessagePort between two threads (a worker and the KV writer).
 * - `socket`: a round trip over a loopback WebSocket to an echo on `node:http` + `ws` (the ws
 *   transport), the client a `ws` socket in another process as in the bench.
 *
 * Each line also gives this process's CPU per sample: the sync's, both ends of the port's, the
 * echo server's (the client is another process), each with the 5 ms timer's own wake.
 *
 * deno run -A scripts/latency_floor.ts [--samples=2000] [--every=5]
 */
import { parseArgs } from "node:util";
import http from "node:http";
// @ts-types="@types/ws"
import { WebSocket, WebSocketServer } from "ws";
import { summarize } from "./bench/stats.ts";

const { values: f } = parseArgs({
  args: Deno.args,
  options: {
    mode: { type: "string" },
    port: { type: "string" },
    samples: { type: "string", default: "2000" },
    every: { type: "string", default: "5" },
  },
});
const samples = Number(f.samples), every = Number(f.every);
const pause = () => new Promise((resolve) => setTimeout(resolve, every));

/** The far end of the port probe: a thread that answers on the port it is given. */
const ECHO_THREAD =
  `self.onmessage = (e) => { const port = e.data; port.onmessage = (m) => port.postMessage(m.data); };`;

if (f.mode === "socket-client") {
  // The client of the socket probe: times `samples` round trips and prints them.
  const ws = new WebSocket(`ws://127.0.0.1:${f.port}/`);
  await new Promise((resolve) => ws.once("open", resolve));
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    await pause();
    const start = performance.now();
    await new Promise((resolve) => (ws.once("message", resolve), ws.send(`{"n":${i}}`)));
    times.push(performance.now() - start);
  }
  console.log(JSON.stringify(times));
  Deno.exit(0);
} else {
  let cpuBefore = process.cpuUsage();
  /** This process's CPU per sample since the last call (the 5 ms timer's own wake included). */
  const cpuPerSample = () => {
    const used = process.cpuUsage(cpuBefore);
    cpuBefore = process.cpuUsage();
    return Number(((used.user + used.system) / samples).toFixed(1));
  };
  const summary = (probe: string, times: number[]) => {
    const { p50, p99, max } = summarize(times);
    const ms = (v: number) => Number(v.toFixed(3));
    return {
      probe,
      samples: times.length,
      everyMs: every,
      p50: ms(p50),
      p99: ms(p99),
      max: ms(max),
      cpuUsPerSample: cpuPerSample(),
    };
  };

  // The baseline: the 5 ms timer's wake alone, which every probe below includes.
  const idle: number[] = [];
  cpuBefore = process.cpuUsage();
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await pause();
    idle.push(performance.now() - start - every);
  }
  console.log(JSON.stringify(summary("timer", idle)));

  const dir = await Deno.makeTempDir({ prefix: "parley-floor-" });
  const file = await Deno.open(`${dir}/1.log`, { create: true, write: true });
  const record = new Uint8Array(600).fill(0x7b);
  const sync: number[] = [];
  cpuBefore = process.cpuUsage();
  for (let i = 0; i < samples; i++) {
    await pause();
    const start = performance.now();
    file.writeSync(record);
    file.syncDataSync();
    sync.push(performance.now() - start);
  }
  file.close();
  await Deno.remove(dir, { recursive: true });
  console.log(JSON.stringify({ ...summary("sync", sync), dir: Deno.env.get("TMPDIR") ?? "/tmp" }));

  const code = URL.createObjectURL(new Blob([ECHO_THREAD], { type: "text/javascript" }));
  const worker = new Worker(code, { type: "module", name: "echo" });
  const { port1, port2 } = new MessageChannel();
  worker.postMessage(port2, [port2]);
  const port: number[] = [];
  cpuBefore = process.cpuUsage();
  for (let i = 0; i < samples; i++) {
    await pause();
    const start = performance.now();
    await new Promise((resolve) => (port1.onmessage = resolve, port1.postMessage({ n: i })));
    port.push(performance.now() - start);
  }
  worker.terminate();
  console.log(JSON.stringify(summary("port", port)));

  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on(
    "upgrade",
    (req, tcp, head) =>
      wss.handleUpgrade(req, tcp, head, (ws) => ws.on("message", (data) => ws.send(String(data)))),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cpuBefore = process.cpuUsage();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      import.meta.filename!,
      "--mode=socket-client",
      `--port=${(server.address() as { port: number }).port}`,
      `--samples=${samples}`,
      `--every=${every}`,
    ],
    stdout: "piped",
  }).spawn();
  const out = new TextDecoder().decode((await child.output()).stdout);
  console.log(JSON.stringify(summary("socket", JSON.parse(out))));
  server.closeAllConnections();
  server.close();
  Deno.exit(0);
}
