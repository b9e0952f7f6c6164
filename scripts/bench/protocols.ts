/**
 * How the generator speaks to each server: one small adapter per protocol, all with the same shape.
 * Every message text carries its send time as `~t<ms>~` so any reader can compute end-to-end latency
 * by scanning raw frames, without parsing each protocol's envelope.
 */

export type ServerKind = "parley" | "socketio" | "fastapi" | "centrifugo";

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

export const now = (): number => performance.timeOrigin + performance.now();
export const stamp = (): string => `~t${now().toFixed(3)}~`;

function wsUrl(base: string, path: string): string {
  return base.replace(/^http/, "ws") + path;
}

function socket(url: string, onData: (data: string) => void, cookie?: string): WebSocket {
  // Deno's WebSocket takes request headers; the project's "dom" lib types hide that overload.
  const init = { headers: { cookie } } as unknown as string[];
  const ws = cookie ? new WebSocket(url, init) : new WebSocket(url);
  ws.addEventListener("message", (e) => typeof e.data === "string" && onData(e.data));
  return ws;
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", (e) => reject(new Error((e as ErrorEvent).message || "websocket error")), {
      once: true,
    });
    ws.addEventListener("close", (e) => reject(new Error(`closed ${e.code} before ready`)), { once: true });
  });
}

let clientSeq = 0;

function parley(t: Target, index: number, onData: (d: string) => void): Conn {
  const cookie = t.cookies?.[index % t.cookies.length];
  const ws = socket(wsUrl(t.base, "/ws"), onData, cookie);
  const tag = `${Deno.pid}-${index}`;
  return {
    ready: opened(ws),
    join: (room) => ws.send(JSON.stringify({ type: "join", room })),
    send: (room, text) =>
      ws.send(JSON.stringify({ type: "send", room, clientId: `b${tag}-${clientSeq++}`, text })),
    close: () => ws.close(),
  };
}

function fastapi(t: Target, _index: number, onData: (d: string) => void): Conn {
  const ws = socket(wsUrl(t.base, "/ws"), onData);
  return {
    ready: opened(ws),
    join: (room) => ws.send(JSON.stringify({ type: "join", room })),
    send: (room, text) => ws.send(JSON.stringify({ type: "send", room, text })),
    close: () => ws.close(),
  };
}

/** Engine.IO v4 over a raw WebSocket: "40" connects the default namespace, "42[...]" are events. */
function socketio(t: Target, _index: number, onData: (d: string) => void): Conn {
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const ws = socket(wsUrl(t.base, "/socket.io/?EIO=4&transport=websocket"), (data) => {
    if (data === "2") return ws.send("3");
    if (data.startsWith("0")) return ws.send("40");
    if (data.startsWith("40")) return resolveReady();
    onData(data);
  });
  return {
    ready: Promise.all([opened(ws), ready]).then(() => {}),
    join: (room) => ws.send(`42${JSON.stringify(["join", room])}`),
    send: (room, text) => ws.send(`42${JSON.stringify(["send", { room, text }])}`),
    close: () => ws.close(),
  };
}

/** Centrifugo's JSON protocol: commands with ids, replies by id, pushes; "{}" is a ping to answer. */
function centrifugo(t: Target, _index: number, onData: (d: string) => void): Conn {
  let id = 0;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const ws = socket(wsUrl(t.base, "/connection/websocket"), (data) => {
    if (data === "{}") return ws.send("{}");
    if (data.startsWith('{"id":1,"connect"')) return resolveReady();
    onData(data);
  });
  ws.addEventListener("open", () => ws.send(JSON.stringify({ id: ++id, connect: { name: "bench" } })));
  return {
    ready: Promise.all([opened(ws), ready]).then(() => {}),
    join: (room) => ws.send(JSON.stringify({ id: ++id, subscribe: { channel: room } })),
    send: (room, text) => ws.send(JSON.stringify({ id: ++id, publish: { channel: room, data: { text } } })),
    close: () => ws.close(),
  };
}

const adapters = { parley, fastapi, socketio, centrifugo };

export function connect(target: Target, index: number, onData: (data: string) => void): Conn {
  return adapters[target.kind](target, index, onData);
}
