/**
 * A `ws` WebSocket seen as a {@link HubSocket}. The route makes one while the upgrade is still being
 * decided (state "connecting"); `ws_server.ts` binds it to the `ws` socket once the handshake is
 * written, and it fires "open". Text frames arrive as strings, binary ones as ArrayBuffers, as from a
 * native socket.
 */
// @ts-types="@types/ws"
import type { WebSocket as WsWebSocket } from "ws";
import { type HubSocket, ReadyState, type UpgradeOptions } from "@/lib/web/transport/types.ts";
import type { Duplex } from "node:stream";
import type { SharedFrame } from "@/lib/web/transport/frame.ts";
import { log } from "@/lib/ops/log.ts";

/** How long a peer has to read the 1009 close frame before its refused connection is cut. */
const CUT_AFTER_MS = 1_000;

export class WsSocket extends EventTarget implements HubSocket {
  #ws?: WsWebSocket;
  #tcp?: Duplex;
  #state: number = ReadyState.connecting;
  #closeOnOpen?: { code?: number; reason?: string };
  /** Set by the server's keep-alive sweep; any frame or pong from the peer counts as heard. */
  heard = true;

  constructor(readonly options: UpgradeOptions) {
    super();
  }

  // Typed as a WebSocket's: "message" gives a MessageEvent, "close" a CloseEvent.
  override addEventListener(
    type: "message",
    listener: (event: MessageEvent) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: "close",
    listener: (event: CloseEvent) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((event: Event) => void) | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((event: never) => void) | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener as EventListener | null, options);
  }

  get readyState(): number {
    return this.#ws ? this.#ws.readyState : this.#state;
  }

  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  /** The `ws` socket, once bound (the keep-alive sweep pings it). */
  get raw(): WsWebSocket | undefined {
    return this.#ws;
  }

  send(data: string): void {
    if (!this.#ws || this.#ws.readyState !== ReadyState.open) {
      throw new DOMException("The socket is not open", "InvalidStateError");
    }
    this.#ws.send(data);
  }

  /**
   * Writes the frame's shared bytes straight to the TCP socket, in order with ws's own writes:
   * without permessage-deflate (ws_server.ts turns it off) ws's sender writes each frame at once
   * and queues nothing, so a frame written here cannot overtake one given to `ws.send` before it.
   * `bufferedAmount` counts it too (ws reads the socket's writable length).
   */
  sendShared(frame: SharedFrame): void {
    if (!this.#tcp || this.#ws?.readyState !== ReadyState.open) {
      throw new DOMException("The socket is not open", "InvalidStateError");
    }
    this.#tcp.write(frame.wire);
  }

  close(code?: number, reason?: string): void {
    if (this.#ws) return this.#ws.close(code, reason);
    // Not bound yet: closed as soon as the handshake is written.
    this.#closeOnOpen ??= { code, reason };
  }

  /** The handshake is written on `tcp`: events flow from `ws`. */
  bind(ws: WsWebSocket, tcp: Duplex): void {
    this.#ws = ws;
    this.#tcp = tcp;
    ws.binaryType = "arraybuffer";
    // ws answers a frame over maxPayload with close(1009) and no reason, from its header alone; the
    // reason the app gives its own frame limit goes with it.
    const close = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string | Buffer) =>
      close(code, code === 1009 && !reason ? this.options.tooLargeReason : reason);
    // Without an "error" listener a refused frame (RangeError: Max payload size exceeded) would be
    // thrown. ws has sent its close frame by then, but goes on reading (and dropping) the rest of the
    // frame until the peer closes: 60 MB read in chunks raised RSS by ~25 MiB a socket. Once the close
    // frame has left, nothing more is read, and the connection is cut a moment later (cut at once, the
    // reset would reach the peer before it read the close frame, which it would then never see).
    ws.on("error", (err) => {
      log.info("ws.error", { error: String(err) });
      if (tcp.destroyed) return;
      const cut = () => {
        tcp.pause();
        setTimeout(() => tcp.destroy(), CUT_AFTER_MS);
      };
      if (tcp.writableFinished) cut();
      else tcp.once("finish", cut);
    });
    ws.on("pong", () => this.heard = true);
    ws.on("message", (data, isBinary) => {
      this.heard = true;
      this.dispatchEvent(new MessageEvent("message", { data: isBinary ? data : String(data) }));
    });
    ws.on("close", (code, reason) => {
      this.dispatchEvent(
        new CloseEvent("close", { code, reason: String(reason), wasClean: code !== 1006 }),
      );
    });
    this.dispatchEvent(new Event("open"));
    if (this.#closeOnOpen) ws.close(this.#closeOnOpen.code, this.#closeOnOpen.reason);
  }

  /** The handshake never finished (the peer left, or its request was malformed). */
  abort(): void {
    if (this.#ws || this.#state === ReadyState.closed) return;
    this.#state = ReadyState.closed;
    this.dispatchEvent(new CloseEvent("close", { code: 1006, reason: "", wasClean: false }));
  }
}
