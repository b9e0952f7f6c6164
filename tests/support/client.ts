/** Small clients for integration tests: guest sessions over HTTP and WebSockets that queue frames. */
import type { Message } from "@/lib/shared/protocol.ts";
import { changed } from "./changes.ts";

// deno-lint-ignore no-explicit-any -- tests look into frames field by field
export type Frame = Record<string, any>;

/** A fresh connection per call, so requests spread over the isolates instead of reusing one. */
export async function api(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; cookie?: string } = {},
): Promise<{ status: number; headers: Headers; body: Frame }> {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(url + path, {
      client,
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(init.cookie ? { cookie: init.cookie } : {}),
        accept: "application/json",
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
  } finally {
    client.close();
  }
}

/** Starts a guest session; returns its cookie header value and user. */
export async function guest(url: string, nickname = `t${Math.random().toString(36).slice(2, 8)}`) {
  const res = await api(url, "/api/session", { body: { nickname } });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`session: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error("no session cookie");
  return { cookie, user: res.body as { id: string; name: string; role: string } };
}

export async function createRoom(url: string, cookie: string, name: string, visibility = "public") {
  const res = await api(url, "/api/rooms", { cookie, body: { name, visibility } });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; inviteCode?: string };
}

/** A WebSocket whose incoming frames (split on "\n") wait in a queue for `next`. */
export class TestSocket {
  readonly frames: Frame[] = [];
  closeEvent?: CloseEvent;
  readonly closed: Promise<CloseEvent>;
  #wake = () => {};

  constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      for (const line of String(e.data).split("\n")) this.frames.push(JSON.parse(line));
      this.#wake();
      changed();
    };
    this.closed = new Promise((resolve) => {
      ws.onclose = (e) => {
        this.closeEvent = e;
        resolve(e);
        this.#wake();
        changed();
      };
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Removes and returns the first queued frame matching `match`, waiting for it if needed. */
  async next(match: (f: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    return this.frames.splice(this.frames.indexOf(await this.seen(match, timeoutMs)), 1)[0];
  }

  /** The first queued frame matching `match`, once there is one; it stays in the queue. */
  async seen(match: (f: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.closeEvent) throw new Error(`socket closed (${this.closeEvent.code}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no matching frame in ${timeoutMs} ms; queued: ${JSON.stringify(this.frames.slice(-3))}`,
        );
      }
      let timer: ReturnType<typeof setTimeout>;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer!);
    }
  }

  /** Joins and returns the `joined` frame. */
  async join(room: string, since?: number): Promise<Frame> {
    this.send({ type: "join", room, since });
    return await this.next((f) =>
      (f.type === "joined" && f.room === room) || (f.type === "error" && f.room === room)
    );
  }

  /** Every `message` frame of a room received so far (left in the queue). */
  messages(room: string): Message[] {
    return this.frames.filter((f) => f.type === "message" && f.room === room).map((f) => f.message);
  }

  async close(): Promise<CloseEvent> {
    if (!this.closeEvent) this.ws.close();
    return await this.closed;
  }
}

/**
 * Sends a marker message from `from` into `room` and waits until `from` and each of `to` got it, then
 * takes it out of their queues. A room's frames reach a socket in the order they were sent, so once
 * this resolves, anything sent before the marker (a duplicate, an echo) has arrived: tests prove that
 * nothing more came this way, not by sleeping.
 *
 * @example
 * await marker(alice, room, [bob]);
 * equal(bob.frames.filter((f) => f.type === "typing").length, 0);
 */
export async function marker(from: TestSocket, room: string, to: TestSocket[], timeoutMs = 10_000) {
  const text = `marker-${crypto.randomUUID().slice(0, 8)}`;
  from.send({ type: "send", room, clientId: text, text });
  await from.next((f) => (f.type === "ack" && f.clientId === text) || f.type === "error", timeoutMs)
    .then((f) => {
      if (f.type === "error") throw new Error(`marker refused: ${JSON.stringify(f)}`);
    });
  const isMarker = (f: Frame) => f.type === "message" && f.room === room && f.message.text === text;
  await Promise.all([...new Set([from, ...to])].map((s) => s.next(isMarker, timeoutMs)));
}

/** Opens `/ws` with the cookie (and optional Origin); resolves once open, or with the early close. */
export async function connect(
  wsUrl: string,
  cookie?: string,
  headers: Record<string, string> = {},
): Promise<TestSocket> {
  // @ts-ignore: Deno's WebSocket takes headers as a second-argument option
  const ws = new WebSocket(wsUrl, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  const socket = new TestSocket(ws);
  await new Promise<void>((resolve) => {
    ws.onopen = () => resolve();
    socket.closed.then(() => resolve());
  });
  return socket;
}

/**
 * Does the WebSocket handshake by hand on a raw TCP connection and returns the status line and the
 * connection, which the caller may then never read (a slow reader Deno's own client cannot be).
 */
export async function rawUpgrade(url: string, headers: Record<string, string> = {}) {
  const u = new URL(url);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  const lines = [
    `GET ${u.pathname}${u.search} HTTP/1.1`,
    `Host: ${u.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))}`,
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  let bytes: Uint8Array = new Uint8Array(0);
  let end = -1;
  const buf = new Uint8Array(4096);
  while (end < 0) {
    const n = await conn.read(buf);
    if (n === null) break;
    bytes = concat(bytes, buf.subarray(0, n));
    end = findHeadEnd(bytes);
  }
  const head = new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end));
  /** Bytes after the head: the first frames, when the server sent some at once. */
  let rest: Uint8Array = end < 0 ? new Uint8Array(0) : bytes.slice(end + 4);
  // A refusal has a body: read all of it.
  const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
  while (rest.length < length) {
    const n = await conn.read(buf);
    if (n === null) break;
    rest = concat(rest, buf.subarray(0, n));
  }
  return { status: Number(head.split(" ")[1]), head, conn, rest };
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function findHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/** Parses unmasked server frames; returns the complete ones and the bytes of an incomplete tail. */
export function parseFrames(
  bytes: Uint8Array,
): { frames: { opcode: number; payload: Uint8Array }[]; rest: Uint8Array } {
  const frames: { opcode: number; payload: Uint8Array }[] = [];
  let i = 0;
  while (i + 2 <= bytes.length) {
    let len = bytes[i + 1] & 0x7f;
    let at = i + 2;
    if (len === 126) {
      if (at + 2 > bytes.length) break;
      len = (bytes[at] << 8) | bytes[at + 1];
      at += 2;
    } else if (len === 127) {
      if (at + 8 > bytes.length) break;
      len = Number(new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0));
      at += 8;
    }
    if (at + len > bytes.length) break;
    frames.push({ opcode: bytes[i] & 0x0f, payload: bytes.slice(at, at + len) });
    i = at + len;
  }
  return { frames, rest: bytes.slice(i) };
}

/** A masked client text frame (payload under 64 KiB), for raw connections. */
export function maskedTextFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const header = payload.length < 126
    ? [0x81, 0x80 | payload.length]
    : [0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff];
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const out = new Uint8Array(header.length + 4 + payload.length);
  out.set(header);
  out.set(mask, header.length);
  for (let i = 0; i < payload.length; i++) out[header.length + 4 + i] = payload[i] ^ mask[i % 4];
  return out;
}
