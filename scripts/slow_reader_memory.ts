/**
 * Measures that slow readers cannot swell the server: `deno run -A scripts/slow_reader_memory.ts`.
 *
 * Starts the server with one isolate as the tests do (a temp KV file, rate limits lifted for the
 * writers), makes one busy public room, and runs waves. In each wave R slow readers (raw TCP
 * WebSockets that join the room and then never read a byte) sit in the room while W writers blast
 * ~6 KB messages into it. Every second it samples the server's RSS and how many sockets the hub
 * still holds. A slow reader must be cut off (4008) once its outgoing buffer passes the bound, and
 * RSS must not grow wave after wave.
 *
 * Options: --waves 5 --readers 20 --writers 4 --seconds 8 --bound BYTES (MAX_BUFFERED_BYTES,
 * default 1 MiB) --unbounded (bound of 1 GiB: the control, to see what the bound prevents).
 * Linux only (reads /proc).
 */
import { parseArgs } from "node:util";
import { sample } from "./bench/proc.ts";
import { startServer } from "../tests/support/server.ts";
import { api, createRoom, guest, maskedTextFrame, rawUpgrade } from "../tests/support/client.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    waves: { type: "string", default: "5" },
    readers: { type: "string", default: "20" },
    writers: { type: "string", default: "4" },
    seconds: { type: "string", default: "8" },
    bound: { type: "string", default: String(1024 * 1024) },
    unbounded: { type: "boolean", default: false },
  },
});
const WAVES = Number(flags.waves);
const READERS = Number(flags.readers);
const WRITERS = Number(flags.writers);
const SECONDS = Number(flags.seconds);
const BOUND = flags.unbounded ? 1024 ** 3 : Number(flags.bound);
const MB = (n: number) => (n / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Handshake by hand, join the room, then never read again: the slowest reader there is. */
async function slowReader(wsUrl: string, cookie: string, room: string): Promise<Deno.Conn> {
  const { conn } = await rawUpgrade(wsUrl, { Cookie: cookie });
  await conn.write(maskedTextFrame(JSON.stringify({ type: "join", room })));
  return conn;
}

/** A well-behaved writer: sends as fast as its acks come back, keeping `window` sends in flight. */
function writer(wsUrl: string, cookie: string, room: string, until: () => boolean, counts: { sent: number }) {
  return new Promise<void>((resolve) => {
    // @ts-ignore: Deno's WebSocket takes headers as an option
    const ws = new WebSocket(wsUrl, { headers: { cookie } });
    // 2000 characters of 3-byte UTF-8: ~6 KB a message, so buffers fill in seconds.
    const text = "가".repeat(2000);
    let n = 0;
    const sendOne = () => {
      if (until()) return ws.close();
      ws.send(JSON.stringify({ type: "send", room, clientId: `${crypto.randomUUID()}-${n++}`, text }));
      counts.sent++;
    };
    ws.onopen = () => ws.send(JSON.stringify({ type: "join", room }));
    ws.onmessage = (e) => {
      for (const line of String(e.data).split("\n")) {
        const f = JSON.parse(line);
        if (f.type === "joined") { for (let i = 0; i < 32; i++) sendOne(); }
        else if (f.type === "ack" || f.type === "error") sendOne();
      }
    };
    ws.onclose = () => resolve();
  });
}

const server = await startServer({
  jobs: 1,
  env: {
    LOG_LEVEL: "error",
    RATE_BURST: "1000000",
    RATE_PER_SECOND: "1000000",
    MAX_BUFFERED_BYTES: String(BOUND),
  },
});

try {
  const owner = await guest(server.url, "owner");
  const room = await createRoom(server.url, owner.cookie, `busy ${Date.now()}`);
  const connections = async () => (await api(server.url, "/healthz")).body.hub.connections as number;
  const rss = () => sample(server.pid).rss;

  console.log(
    `bound ${
      MB(BOUND)
    } MiB · ${WAVES} waves · ${READERS} slow readers · ${WRITERS} writers · ${SECONDS} s each`,
  );
  console.log(`baseline RSS ${MB(rss())} MiB`);
  console.log(
    "wave  sent msgs  peak RSS  RSS at end (readers still connected)  cut off  RSS after they leave",
  );
  for (let wave = 1; wave <= WAVES; wave++) {
    const readerCookies = await Promise.all(
      Array.from({ length: READERS }, async (_, i) => (await guest(server.url, `slow${i}`)).cookie),
    );
    const readers = await Promise.all(readerCookies.map((c) => slowReader(server.wsUrl, c, room.id)));
    const writerCookies = await Promise.all(
      Array.from({ length: WRITERS }, async (_, i) => (await guest(server.url, `w${i}`)).cookie),
    );
    const before = await connections();
    const counts = { sent: 0 };
    const end = Date.now() + SECONDS * 1000;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 250);
    await Promise.all(
      writerCookies.map((c) => writer(server.wsUrl, c, room.id, () => Date.now() > end, counts)),
    );
    clearInterval(sampler);
    await sleep(500);
    const atEnd = rss();
    const cutOff = before - (await connections());
    for (const r of readers) r.close();
    await sleep(1500);
    console.log(
      `${String(wave).padStart(4)}  ${String(counts.sent).padStart(9)}  ${MB(peak).padStart(7)}M  ${
        MB(atEnd).padStart(35)
      }M` +
        `  ${`${cutOff}/${READERS}`.padStart(7)}  ${MB(rss()).padStart(20)}M`,
    );
  }
} finally {
  await server.stop();
}
