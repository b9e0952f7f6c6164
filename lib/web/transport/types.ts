/**
 * What the hub needs from a WebSocket, whatever serves it: Deno's native one (`native.ts`, under
 * `deno serve`) or `ws` on `node:http` (`ws_socket.ts`, under `lib/ops/server.ts`). A browser-style
 * WebSocket: an EventTarget with "open", "message" and "close" events and the ready-state numbers of
 * the WHATWG WebSocket (0 connecting, 1 open, 2 closing, 3 closed).
 */
import type { IncomingMessage } from "node:http";
import type { SharedFrame } from "@/lib/web/transport/frame.ts";

export interface HubSocket extends EventTarget {
  readonly readyState: number;
  /** Bytes queued to the peer and not yet written: the hub's backpressure bound reads it. */
  readonly bufferedAmount: number;
  send(data: string): void;
  /**
   * Sends a frame that goes to many sockets, written from its shared wire bytes; transports
   * without it (the native one) get `send(frame.text)`.
   */
  sendShared?(frame: SharedFrame): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: "message",
    listener: (event: MessageEvent) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: "close",
    listener: (event: CloseEvent) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: "open" | "error",
    listener: (event: Event) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
}

/** What an upgrade route asks of its transport. */
export interface UpgradeOptions {
  /** Subprotocol named back to the client. */
  protocol?: string;
  /** Seconds of silence before a ping; no pong by the next one and the socket is dropped. */
  idleTimeout?: number;
  /** Close reason sent with 1009 when a frame is over the transport's own limit (the ws transport). */
  tooLargeReason?: string;
}

/** An accepted upgrade: the socket, and the answer the route returns. */
export interface Upgraded {
  socket: HubSocket;
  response: Response;
}

/**
 * `c.env` of a request served by `lib/ops/server.ts` (node-server's bindings), with `accept`, which the ws
 * transport adds to an upgrade request.
 */
export interface WsEnv {
  incoming: IncomingMessage;
  outgoing?: unknown;
  accept?: (options: UpgradeOptions) => Upgraded;
}

/** The WebSocket ready states, for code that must not depend on a global `WebSocket`. */
export const ReadyState = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;
