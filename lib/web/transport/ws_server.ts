/**
 * The ws transport: `/ws` upgrades on a `node:http` server go through the same Hono app (origin,
 * session and socket caps in routes/ws.ts), and an accepted one is completed by `ws` with
 * `maxPayload`, which refuses an oversized frame from its header (1009) before reading its body.
 * So what one socket can make the server hold is bounded by MAX_FRAME_BYTES, not by 64 MiB.
 */
import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
// @ts-types="@types/ws"
import { WebSocketServer } from "ws";
import type { UpgradeOptions, WsEnv } from "@/lib/web/transport/types.ts";
import { WsSocket } from "@/lib/web/transport/ws_socket.ts";

type Fetch = (request: Request, env: WsEnv) => Response | Promise<Response>;

export interface WsServerOptions {
  /** Bytes of the largest frame read (MAX_FRAME_BYTES). */
  maxPayload: number;
  /** Seconds between keep-alive sweeps: a socket silent for a whole sweep is pinged, and dropped after the next. */
  idleTimeout: number;
}

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const target = req.url ?? "/";
  if (!target.startsWith("/")) throw new TypeError("bad request target");
  return new Request(`http://${req.headers.host ?? "localhost"}${target}`, { headers });
}

/** A refused upgrade gets the app's own answer (status, headers, body), then the connection ends. */
async function writeResponse(socket: Duplex, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`];
  for (const [key, value] of response.headers) {
    if (!["connection", "content-length", "transfer-encoding", "keep-alive"].includes(key)) {
      lines.push(`${key}: ${value}`);
    }
  }
  lines.push(`Content-Length: ${body.byteLength}`, "Connection: close", "", "");
  if (socket.destroyed) return;
  socket.write(lines.join("\r\n"));
  socket.end(body);
}

/**
 * Serves WebSocket upgrades of `server` through `fetch` (the Hono app). Returns a function that stops
 * the keep-alive sweep and drops the sockets still open (call it after the hub's shutdown).
 *
 * @example
 * handleUpgrades(server, app.fetch, { maxPayload: config.maxFrameBytes, idleTimeout: 30 });
 */
export function handleUpgrades(server: Server, fetch: Fetch, options: WsServerOptions): () => void {
  const pending = new WeakMap<IncomingMessage, WsSocket>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    // Off (ws's default, said here because WsSocket.sendShared relies on it): with compression ws
    // queues frames while it deflates, and a shared frame written beside the queue could overtake them.
    perMessageDeflate: false,
    handleProtocols: (_offered, req) => pending.get(req)?.options.protocol ?? false,
  });
  const live = new Set<WsSocket>();

  server.on("upgrade", async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {});
    let accepted: WsSocket | undefined;
    const env: WsEnv = {
      incoming: req,
      // Called by the route (through `transport/mod.ts`): the upgrade is accepted, and completed
      // here once the app has answered; the app's response is never written (101 comes from ws).
      accept: (options: UpgradeOptions) => {
        accepted = new WsSocket(options);
        return { socket: accepted, response: new Response(null, { status: 200 }) };
      },
    };
    let response: Response;
    try {
      response = await fetch(toRequest(req), env);
    } catch {
      response = new Response(null, { status: 400 });
    }
    const hub = accepted;
    if (!hub) return void writeResponse(socket, response).catch(() => socket.destroy());
    // Until bound, a socket that goes away (or a handshake ws refuses) still closes, so the
    // address and session counters that the route took are given back.
    socket.once("close", () => hub.abort());
    if (socket.destroyed) return hub.abort();
    pending.set(req, hub);
    wss.handleUpgrade(req, socket, head, (ws) => {
      live.add(hub);
      ws.once("close", () => live.delete(hub));
      hub.bind(ws, socket);
    });
  });

  // One sweep for every socket (not a timer each): as Deno's idleTimeout, a peer that vanished
  // without a close frame is dropped within two periods.
  const sweep = setInterval(() => {
    for (const hub of live) {
      const ws = hub.raw;
      if (!ws) continue;
      if (!hub.heard) {
        ws.terminate();
        continue;
      }
      hub.heard = false;
      ws.ping();
    }
  }, Math.max(1, options.idleTimeout) * 1_000);
  Deno.unrefTimer(sweep);
  return () => {
    clearInterval(sweep);
    // The hub has sent its close frames (1012) and waited for them; a peer that never answered goes.
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}
