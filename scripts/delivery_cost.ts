/**
 * The server's CPU per delivered frame, three ways of sending one frame to many sockets: `ws.send`
 * per socket (what the ws transport did before shared frames), one encoded frame written to every
 * socket (`lib/web/transport/frame.ts`), and Deno's native `socket.send`. A child process holds the
 * readers and reads what they get; the server sends `--messages` frames to each and counts its own
 * CPU until every socket has drained.
 *
 * deno run -A scripts/delivery_cost.ts [--readers=500] [--messages=2000] [--runs=2]
 */
import { parseArgs } from "node:util";
import http from "node:http";
import type { Duplex } from "node:stream";
// @ts-types="@types/ws"
import { WebSocket, WebSocketServer } from "ws";
import { encodeTextFrame } from "@/lib/web/transport/frame.ts";

const { values: f } = parseArgs({
  args: Deno.args,
  options: {
    mode: { type: "string" },
    port: { type: "string" },
    readers: { type: "string", default: "500" },
    messages: { type: "string", default: "2000" },
    runs: { type: "string", default: "2" },
  },
});
const readers = Number(f.readers), messages = Number(f.messages);
const text = JSON.stringify({
  type: "message",
  room: "r1",
  message: { seq: 1, id: "01JF".padEnd(26, "0"), text: "a message of an ordinary length. ".repeat(4) },
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

if (f.mode === "readers") {
  // The child: `readers` sockets that read and drop what arrives.
  for (let i = 0; i < readers; i++) new WebSocket(`ws://127.0.0.1:${f.port}/`).on("error", () => {});
  await new Promise(() => {});
}

type Sink = { send(): void; drained(): boolean };

/** Accepts `readers` sockets on a free port (the child connects them), as the mode's sinks. */
async function accept(mode: string): Promise<{ sinks: Sink[]; stop(): void }> {
  const sinks: Sink[] = [];
  let ready!: () => void;
  const all = new Promise<void>((resolve) => ready = resolve);
  const add = (sink: Sink) => sinks.push(sink) === readers && ready();
  let port: number, stop: () => void;
  if (mode === "native") {
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.onopen = () =>
        add({ send: () => socket.send(text), drained: () => socket.bufferedAmount === 0 });
      return response;
    });
    port = server.addr.port;
    stop = () => void server.shutdown();
  } else {
    const server = http.createServer();
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const wire = encodeTextFrame(text);
    server.on("upgrade", (req, tcp: Duplex, head) =>
      wss.handleUpgrade(req, tcp, head, (ws) =>
        add({
          send: mode === "ws" ? () => ws.send(text) : () => tcp.write(wire),
          drained: () => ws.bufferedAmount === 0,
        })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    stop = () => (server.closeAllConnections(), server.close());
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, "--mode=readers", `--port=${port}`, `--readers=${readers}`],
    stdout: "null",
  }).spawn();
  await all;
  return { sinks, stop: () => (child.kill(), stop()) };
}

for (let run = 0; run < Number(f.runs); run++) {
  for (const mode of ["ws", "shared", "native"]) {
    const { sinks, stop } = await accept(mode);
    const before = process.cpuUsage();
    for (let m = 0; m < messages; m++) {
      for (const sink of sinks) sink.send();
      // Let the runtime write now and then, as a server between flushes does.
      if (m % 50 === 49) await tick();
    }
    while (!sinks.every((s) => s.drained())) await tick();
    const cpu = process.cpuUsage(before);
    const perDelivery = (cpu.user + cpu.system) / (readers * messages);
    console.log(
      JSON.stringify({ mode, readers, messages, cpuUsPerDelivery: Number(perDelivery.toFixed(2)) }),
    );
    stop();
  }
}
Deno.exit(0);
