/**
 * Measures that slow readers cannot swell the server: `deno run -A scripts/slow_reader_memory.ts`.
 *
 * Starts one server isolate (`deno serve main.ts`, a temp KV file, rate limits lifted for the
 * writers), makes one busy public room, and runs waves. In each wave R slow readers (raw TCP
 * WebSockets that join the room and then never read a byte) sit in the room while W writers blast
 * ~1.9 KB messages into it. Every second it samples the server's RSS and how many sockets the hub
 * still holds. A slow reader must be cut off (4008) once its outgoing buffer passes the bound, and
 * RSS must not grow wave after wave.
 *
 * Options: --waves 5 --readers 20 --writers 4 --seconds 8 --bound BYTES (MAX_BUFFERED_BYTES,
 * default 1 MiB) --unbounded (bound of 1 GiB: the control, to see what the bound prevents).
 * Linux only (reads /proc).
 */
import { sample } from "./bench/proc.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const WAVES = arg("waves", 5);
const READERS = arg("readers", 20);
const WRITERS = arg("writers", 4);
const SECONDS = arg("seconds", 8);
const BOUND = Deno.args.includes("--unbounded") ? 1024 ** 3 : arg("bound", 1024 * 1024);
const MB = (n: number) => (n / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

async function json(
  url: string,
  init: RequestInit = {},
): Promise<{ res: Response; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { res, body: await res.json() };
}

async function guest(base: string, nickname: string): Promise<string> {
  const { res } = await json(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname }),
  });
  return res.headers.get("set-cookie")!.split(";")[0];
}

/** A client → server text frame (clients must mask). */
function maskedText(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const head = payload.length < 126
    ? [0x81, 0x80 | payload.length]
    : [0x81, 0x80 | 126, payload.length >> 8, payload.length & 255];
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const out = new Uint8Array(head.length + 4 + payload.length);
  out.set(head);
  out.set(mask, head.length);
  payload.forEach((b, i) => (out[head.length + 4 + i] = b ^ mask[i % 4]));
  return out;
}

/** Handshake by hand, join the room, then never read again: the slowest reader there is. */
async function slowReader(port: number, cookie: string, room: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const head =
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nCookie: ${cookie}\r\n\r\n`;
  await conn.write(new TextEncoder().encode(head));
  const buf = new Uint8Array(1024);
  await conn.read(buf); // the 101 (and perhaps a first frame); nothing is read after this
  await conn.write(maskedText(JSON.stringify({ type: "join", room })));
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

const port = freePort();
const base = `http://127.0.0.1:${port}`;
const dir = await Deno.makeTempDir({ prefix: "parley_slow_reader_" });
const server = new Deno.Command(Deno.execPath(), {
  args: ["serve", "-A", "--host", "127.0.0.1", "--port", String(port), "main.ts"],
  cwd: new URL("..", import.meta.url).pathname,
  env: {
    LOG_LEVEL: "error",
    KV_PATH: `${dir}/parley.kv`,
    RATE_BURST: "1000000",
    RATE_PER_SECOND: "1000000",
    GUEST_SESSIONS_PER_MINUTE: "100000",
    MAX_BUFFERED_BYTES: String(BOUND),
  },
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();

try {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch { /* not up yet */ }
    await sleep(100);
  }
  const owner = await guest(base, "owner");
  const { body: room } = await json(`${base}/api/rooms`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: owner },
    body: JSON.stringify({ name: `busy ${Date.now()}`, visibility: "public" }),
  });
  const connections = async () =>
    ((await json(`${base}/healthz`)).body.hub as { connections: number }).connections;
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
      Array.from({ length: READERS }, (_, i) => guest(base, `slow${i}`)),
    );
    const readers = await Promise.all(readerCookies.map((c) => slowReader(port, c, room.id as string)));
    const writerCookies = await Promise.all(Array.from({ length: WRITERS }, (_, i) => guest(base, `w${i}`)));
    const before = await connections();
    const counts = { sent: 0 };
    const end = Date.now() + SECONDS * 1000;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 250);
    await Promise.all(
      writerCookies.map((c) =>
        writer(`${base.replace("http", "ws")}/ws`, c, room.id as string, () => Date.now() > end, counts)
      ),
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
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 5000);
  await server.status;
  clearTimeout(timer);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
