/**
 * One load-generating process. The bench runs one or two of these (each its own process, so each
 * has its own file-descriptor limit and core) and drives them with JSON lines on stdin/stdout.
 *
 * Two ways of sending: open loop (`send`: a fixed rate, spread over the senders) and closed loop
 * (`loop`: each sender keeps `inFlight` messages out and sends the next when one of its own comes back).
 */
import { type Conn, connect, now, stamp, stamps, type Target } from "./protocols.ts";
import { decode, Histogram } from "./stats.ts";

export interface Sender {
  conn: number;
  room: string;
}

export type Command =
  | {
    op: "open";
    target: Target;
    rooms: string[][];
    concurrency: number;
    firstIndex: number;
    /** Local indices of connections that only send: what they receive is not a delivery. */
    senders?: number[];
  }
  | { op: "send"; senders: Sender[]; rate: number }
  | { op: "loop"; senders: Sender[]; inFlight: number; total?: number }
  | { op: "stop" }
  | { op: "reset" }
  | { op: "stats" }
  | { op: "count" }
  | { op: "close" };

export interface ClientStats {
  received: number;
  sent: number;
  /** Messages that came back to their sender (closed loop). */
  echoed: number;
  hist: ReturnType<Histogram["toJSON"]>;
  /** Close codes seen since the last reset, with counts; `error:<code>` counts Parley's error frames. */
  closes: Record<string, number>;
  /** When the last delivery arrived, epoch ms. */
  lastAt: number;
}

const conns: Conn[] = [];
let senderOnly = new Set<number>();
let hist = new Histogram();
let received = 0, sent = 0, echoed = 0, lastAt = 0, resetAt = 0;
let closes: Record<string, number> = {};
let closing = false;
let sendTimer: ReturnType<typeof setInterval> | undefined;
/** Closed loop: what each sending connection sends next, while the loop runs. */
let looping: Map<number, { room: string; left: number }> | undefined;

const ERROR_CODE = /"type":"error","code":"([a-z_]+)"/g;

function onData(conn: number, data: string): void {
  const t = now();
  // A refused send never comes back: counted by its code (as "error:<code>") beside the disconnects.
  if (data.includes('"type":"error"')) {
    for (const m of data.matchAll(ERROR_CODE)) closes[`error:${m[1]}`] = (closes[`error:${m[1]}`] ?? 0) + 1;
  }
  const sentAt = stamps(data);
  if (senderOnly.has(conn)) {
    echoed += sentAt.length;
    const next = looping?.get(conn);
    for (let k = 0; next && k < sentAt.length && next.left > 0; k++, next.left--) {
      conns[conn]?.send(next.room, stamp());
      sent++;
    }
    return;
  }
  for (const at of sentAt) {
    // Sent before the last reset: a late copy from an earlier step, which must not count in this one.
    if (at < resetAt) continue;
    hist.add(t - at);
    received++;
    lastAt = t;
  }
}

function onClosed(code: number): void {
  if (closing) return; // the generator's own closes at the end of a scenario are not disconnects
  closes[code] = (closes[code] ?? 0) + 1;
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
  closing = false;
  senderOnly = new Set(cmd.senders ?? []);
  let next = 0, failed = 0, opened = 0, error = "";
  const worker = async () => {
    while (next < cmd.rooms.length && failed === 0) {
      const i = next++;
      try {
        const conn = connect(cmd.target, cmd.firstIndex + i, {
          data: (d) => onData(i, d),
          closed: (code) => onClosed(code),
        });
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

function startLoop(cmd: Extract<Command, { op: "loop" }>) {
  const perSender = cmd.total === undefined ? Infinity : Math.ceil(cmd.total / cmd.senders.length);
  looping = new Map();
  for (const s of cmd.senders) {
    senderOnly.add(s.conn);
    const first = Math.min(cmd.inFlight, perSender);
    looping.set(s.conn, { room: s.room, left: perSender - first });
    for (let k = 0; k < first; k++) conns[s.conn]?.send(s.room, stamp());
    sent += first;
  }
}

function stats(): ClientStats {
  return { received, sent, echoed, hist: hist.toJSON(), closes, lastAt };
}

function handle(cmd: Command): unknown {
  switch (cmd.op) {
    case "open":
      return open(cmd);
    case "send":
      return startSending(cmd), {};
    case "loop":
      return startLoop(cmd), {};
    case "stop":
      clearInterval(sendTimer);
      looping = undefined;
      return { received, sent, echoed, at: now() };
    case "reset":
      hist = new Histogram(), received = 0, sent = 0, echoed = 0, lastAt = 0, closes = {}, resetAt = now();
      return {};
    case "stats":
      return stats();
    case "count": // cheap enough to poll while a loop runs (stats walks the whole histogram)
      return { received, echoed };
    case "close":
      clearInterval(sendTimer);
      looping = undefined;
      closing = true;
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
