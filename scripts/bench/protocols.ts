/**
 * How the generator speaks to each server: one small adapter per protocol, all with the same shape.
 * Every message text carries its send time as `~t<ms>~` so any reader can compute end-to-end latency
 * by scanning raw frames, without parsing each protocol's envelope.
 */

// @ts-types="@types/ws"
import WsSocket from "ws";

export const SERVER_KINDS = ["parley", "centrifugo", "socketio", "fastapi", "ws"] as const;
export type ServerKind = typeof SERVER_KINDS[number];

export interface Target {
  kind: ServerKind;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Parley only: session cookies, shared round-robin by the connections. */
  cookies?: string[];
}

export interface Conn {
  /** Resolves when the socket can be used (the protocol's handshake is done). */
  ready: Promise<void>;
  join(room: string): void;
  send(room: string, text: string): void;
  close(): void;
}

export interface Handlers {
  /** A text frame as it arrived (it may hold several messages). */
  data(data: string): void;
  /** The socket closed, with the close code it got (1006 when no close frame came). */
  closed(code: number, reason: string): void;
}

export const now = (): number => performance.timeOrigin + performance.now();
export const stamp = (): string => `~t${now().toFixed(3)}~`;

/** Each `~t<ms>~` stamp in a frame, as milliseconds: one per message the frame carries. */
export function stamps(data: string): number[] {
  const out: number[] = [];
  let i = data.indexOf("~t");
  while (i !== -1) {
    const end = data.indexOf("~", i + 2);
    if (end === -1) break;
    out.push(Number(data.slice(i + 2, end)));
    i = data.indexOf("~t", end + 1);
  }
  return out;
}

function wsUrl(base: string, path: string): string {
  return base.replace(/^http/, "ws") + path;
}

/** The client socket: `ws`'s, or Deno's own with BENCH_CLIENT=deno (see `socket`). */
type Socket = Pick<WsSocket, "send" | "close" | "addEventListener">;

/**
 * `ws` (npm), as the Node load generator used: it turns Nagle's algorithm off (TCP_NODELAY).
 * Deno's own WebSocket client leaves it on, so after a first small frame the next ones wait for its
 * ACK, which a server that answers only after a store write sends late: up to Linux's 40 ms delayed
 * ACK (measured here: the 2nd to 4th of four frames sent 1 ms apart arrived 35–42 ms late on Deno's
 * client, under 2 ms on `ws`). BENCH_CLIENT=deno keeps Deno's client, to see the difference.
 */
function socket(url: string, on: Handlers, onData: (data: string) => void, cookie?: string): Socket {
  const headers = cookie ? { cookie } : undefined;
  const ws: Socket = Deno.env.get("BENCH_CLIENT") === "deno"
    // Deno's WebSocket takes request headers; the project's "dom" lib types hide that overload.
    ? (headers
      ? new WebSocket(url, { headers } as unknown as string[])
      : new WebSocket(url)) as unknown as Socket
    : new WsSocket(url, { headers, perMessageDeflate: false });
  ws.addEventListener("message", (e) => typeof e.data === "string" && onData(e.data));
  ws.addEventListener("close", (e) => on.closed(e.code, e.reason));
  return ws;
}

function opened(ws: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", (e) => reject(new Error(e.message || "websocket error")), { once: true });
    ws.addEventListener("close", (e) => reject(new Error(`closed ${e.code} before ready`)), { once: true });
  });
}

let clientSeq = 0;

function parley(t: Target, index: number, on: Handlers): Conn {
  const cookie = t.cookies?.[index % t.cookies.length];
  const ws = socket(wsUrl(t.base, "/ws"), on, on.data, cookie);
  const tag = `${Deno.pid}-${index}`;
  return {
    ready: opened(ws),
    join: (room) => ws.send(JSON.stringify({ type: "join", room })),
    send: (room, text) =>
      ws.send(JSON.stringify({ type: "send", room, clientId: `b${tag}-${clientSeq++}`, text })),
    close: () => ws.close(),
  };
}

/** The seeds' FastAPI shape and the plain `ws` server speak the same minimal JSON. */
function plain(t: Target, _index: number, on: Handlers): Conn {
  const ws = socket(wsUrl(t.base, "/ws"), on, on.data);
  return {
    ready: opened(ws),
    join: (room) => ws.send(JSON.stringify({ type: "join", room })),
    send: (room, text) => ws.send(JSON.stringify({ type: "send", room, text })),
    close: () => ws.close(),
  };
}

/** Engine.IO v4 over a raw WebSocket: "40" connects the default namespace, "42[...]" are events. */
function socketio(t: Target, _index: number, on: Handlers): Conn {
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const ws = socket(wsUrl(t.base, "/socket.io/?EIO=4&transport=websocket"), on, (data) => {
    if (data === "2") return ws.send("3");
    if (data.startsWith("0")) return ws.send("40");
    if (data.startsWith("40")) return resolveReady();
    on.data(data);
  });
  return {
    ready: Promise.all([opened(ws), ready]).then(() => {}),
    join: (room) => ws.send(`42${JSON.stringify(["join", room])}`),
    send: (room, text) => ws.send(`42${JSON.stringify(["send", { room, text }])}`),
    close: () => ws.close(),
  };
}

/** What one Centrifugo frame holds: pings to answer, whether it has the connect reply, and the rest. */
export interface CentrifugoFrame {
  pings: number;
  connected: boolean;
  /** The frame's other lines (pushes and replies), newline-joined. */
  rest: string;
}

/**
 * Centrifugo's JSON protocol bundles several objects into one frame, one per line, and a ping (`{}`)
 * may sit among publications: every line is looked at, so no ping goes unanswered (3012 otherwise).
 */
export function splitCentrifugo(frame: string): CentrifugoFrame {
  let pings = 0, connected = false;
  const rest: string[] = [];
  for (const line of frame.split("\n")) {
    if (line === "") continue;
    if (line === "{}") pings++;
    else if (line.startsWith('{"id":1,"connect"')) connected = true;
    else rest.push(line);
  }
  return { pings, connected, rest: rest.join("\n") };
}

/** Centrifugo's JSON protocol: commands with ids, replies by id, pushes; "{}" is a ping to answer. */
function centrifugo(t: Target, _index: number, on: Handlers): Conn {
  let id = 0;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const ws = socket(wsUrl(t.base, "/connection/websocket"), on, (data) => {
    const frame = splitCentrifugo(data);
    for (let i = 0; i < frame.pings; i++) ws.send("{}");
    if (frame.connected) resolveReady();
    if (frame.rest) on.data(frame.rest);
  });
  ws.addEventListener("open", () => ws.send(JSON.stringify({ id: ++id, connect: { name: "bench" } })));
  return {
    ready: Promise.all([opened(ws), ready]).then(() => {}),
    join: (room) => ws.send(JSON.stringify({ id: ++id, subscribe: { channel: room } })),
    send: (room, text) => ws.send(JSON.stringify({ id: ++id, publish: { channel: room, data: { text } } })),
    close: () => ws.close(),
  };
}

const adapters = { parley, fastapi: plain, ws: plain, socketio, centrifugo };

export function connect(target: Target, index: number, on: Handlers): Conn {
  return adapters[target.kind](target, index, on);
}
