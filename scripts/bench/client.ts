/**
 * One load-generating process. The bench runs one or two of these (each its own process, so each
 * has its own file-descriptor limit and core) and drives them with JSON lines on stdin/stdout.
 */
import { type Conn, connect, now, stamp, type Target } from "./protocols.ts";
import { decode, Histogram } from "./stats.ts";

export type Command =
  | { op: "open"; target: Target; rooms: string[][]; concurrency: number; firstIndex: number }
  | { op: "send"; senders: { conn: number; room: string }[]; rate: number }
  | { op: "stop" }
  | { op: "reset" }
  | { op: "stats" }
  | { op: "close" };

const conns: Conn[] = [];
let hist = new Histogram();
let received = 0;
let sent = 0;
let sendTimer: ReturnType<typeof setInterval> | undefined;

/** Counts every stamped text in a frame (a Parley frame may hold several objects). */
function onData(data: string): void {
  const t = now();
  let i = data.indexOf("~t");
  while (i !== -1) {
    const end = data.indexOf("~", i + 2);
    hist.add(t - Number(data.slice(i + 2, end)));
    received++;
    i = data.indexOf("~t", end + 1);
  }
}

/**
 * A server out of file descriptors still completes TCP handshakes from its backlog but never
 * answers: without a deadline the open would wait forever instead of stopping at the limit.
 */
const OPEN_DEADLINE_MS = 10_000;

function withDeadline(ready: Promise<void>, conn: Conn): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      conn.close();
      reject(new Error(`no answer within ${OPEN_DEADLINE_MS / 1000} s (server at its connection limit?)`));
    }, OPEN_DEADLINE_MS);
  });
  return Promise.race([ready, late]).finally(() => clearTimeout(timer));
}

async function open(cmd: Extract<Command, { op: "open" }>) {
  const started = performance.now();
  let next = 0, failed = 0, opened = 0, error = "";
  const worker = async () => {
    while (next < cmd.rooms.length && failed === 0) {
      const i = next++;
      try {
        const conn = connect(cmd.target, cmd.firstIndex + i, onData);
        await withDeadline(conn.ready, conn);
        for (const room of cmd.rooms[i]) conn.join(room);
        // At the index it was asked for: senders name their connection by it, and opens finish out of order.
        conns[i] = conn;
        opened++;
      } catch (e) {
        failed++;
        error ||= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: cmd.concurrency }, worker));
  return { opened, failed, error, ms: performance.now() - started };
}

function startSending(cmd: Extract<Command, { op: "send" }>) {
  clearInterval(sendTimer);
  const begin = performance.now();
  let due = 0, k = 0;
  // A coarse tick with catch-up keeps the mean rate exact without one timer per message.
  sendTimer = setInterval(() => {
    const target = Math.floor((cmd.rate * (performance.now() - begin)) / 1000);
    for (; due < target; due++, k++) {
      const s = cmd.senders[k % cmd.senders.length];
      conns[s.conn]?.send(s.room, stamp());
      sent++;
    }
  }, 5);
}

function handle(cmd: Command): unknown {
  switch (cmd.op) {
    case "open":
      return open(cmd);
    case "send":
      return startSending(cmd), {};
    case "stop":
      return clearInterval(sendTimer), {};
    case "reset":
      hist = new Histogram(), received = 0, sent = 0;
      return {};
    case "stats":
      return { received, sent, hist: hist.toJSON() };
    case "close":
      clearInterval(sendTimer);
      for (const c of conns.splice(0)) c?.close();
      return {};
  }
}

const encoder = new TextEncoder();
let buffer = "";
for await (const chunk of decode(Deno.stdin.readable)) {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf("\n")) !== -1) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    const reply = await handle(JSON.parse(line));
    await Deno.stdout.write(encoder.encode(JSON.stringify(reply) + "\n"));
  }
}
Deno.exit(0);
