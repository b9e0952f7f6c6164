/**
 * One WebSocket of one session: checks a client frame's size and shape and hands it to the hub's
 * handler of its type (`frames.ts`), in the order sent within a room. Outgoing frames go through `send`,
 * which closes the socket with 4008 once its outgoing buffer passes the bound.
 */
import type { Config } from "@/lib/ops/config.ts";
import type { Session } from "@/lib/store/types.ts";
import {
  type ClientFrame,
  CloseCode,
  type ErrorCode,
  type ServerFrame,
  type UserRef,
} from "@/lib/shared/protocol.ts";
import { parseClientFrame } from "@/lib/shared/protocol_schema.ts";
import { type Locale, localizeError } from "@/lib/shared/i18n/mod.ts";
import { type HubSocket, ReadyState } from "@/lib/web/transport/types.ts";
import type { SharedFrame } from "@/lib/web/transport/frame.ts";

/**
 * The close reason of 1009, whichever limit refused the frame (the app's, or the ws transport's own
 * at the same size).
 *
 * @example
 * tooLargeReason(65_536); // "Frame over 65536 bytes"
 */
export function tooLargeReason(max: number): string {
  return `Frame over ${max} bytes`;
}

/** What a connection needs from its hub. */
export interface ConnectionHost {
  readonly config: Config;
  /** Runs the handler of a parsed, size-checked frame (`frames.ts`). */
  dispatch(conn: Connection, frame: ClientFrame): Promise<void> | void;
  /** The connection is gone (closed by either side); idempotent. */
  detach(conn: Connection): void;
  counters: { messagesOut: number; sendErrors: number };
}

let nextId = 1;

export class Connection {
  readonly id = nextId++;
  readonly user: UserRef;
  /** room → the highest seq this socket was sent; a message at or below it is never sent again. */
  readonly rooms = new Map<string, number>();
  readonly openedAt = Date.now();
  #closing = false;
  /** Frames being handled now (a send waits for its store write). */
  #pending = 0;
  /** Set by `closeAfterPending`: no more frames are read, and the socket closes once `#pending` is 0. */
  #closeWhenDone?: { code: number; reason: string };
  /** Made on first use: most sockets of a big room only read, and each idle socket's bytes count. */
  #throttled?: Map<string, number>;
  /**
   * What this socket's later frames of a room wait for, by room: a join not yet answered, or a send
   * that reads before its append (made on first use: most sockets never need it).
   */
  #holds?: Map<string, Promise<void>>;

  /**
   * `session.locale` is the reader's language of the upgrade request (routes/ws.ts adds it): error
   * frames are written in it.
   */
  constructor(
    readonly host: ConnectionHost,
    readonly socket: HubSocket,
    readonly session: Session & { locale?: Locale },
  ) {
    this.user = { id: session.userId, name: session.name, role: session.role };
  }

  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Sends one serialized frame, or one shared by many sockets. Returns false when the socket is
   * closed or was just closed for being too slow (its buffer already held more than the bound).
   */
  send(raw: string | SharedFrame): boolean {
    if (this.#closing || this.socket.readyState !== ReadyState.open) return false;
    if (this.socket.bufferedAmount > this.host.config.maxBufferedBytes) {
      this.close(CloseCode.slowReader, "Too slow: outgoing buffer full");
      return false;
    }
    try {
      if (typeof raw === "string") this.socket.send(raw);
      else if (this.socket.sendShared) this.socket.sendShared(raw);
      else this.socket.send(raw.text);
      this.host.counters.messagesOut++;
      return true;
    } catch {
      this.host.counters.sendErrors++;
      return false;
    }
  }

  frame(frame: ServerFrame): boolean {
    return this.send(JSON.stringify(frame));
  }

  error(code: ErrorCode, message: string, extra: { clientId?: string; room?: string } = {}): void {
    const text = localizeError(this.session.locale ?? "en", code, message);
    this.frame({ type: "error", code, message: text, ...extra });
  }

  /** Sends a room message unless this socket already has it (a join raced the live delivery). */
  sendMessage(room: string, seq: number, raw: string): void {
    const last = this.rooms.get(room);
    if (last === undefined || seq <= last) return;
    this.rooms.set(room, seq);
    this.send(raw);
  }

  /**
   * Sends a room's frame of messages (`lines`, with `seqs`, joined as `frame`), leaving out any this
   * socket already has; the whole frame, shared by every reader, unless a join raced it.
   */
  sendMessages(room: string, seqs: number[], frame: SharedFrame, lines: string[]): void {
    const last = this.rooms.get(room);
    const newest = seqs[seqs.length - 1];
    if (last === undefined || newest <= last) return;
    this.rooms.set(room, newest);
    if (seqs[0] > last) this.send(frame);
    else this.send(lines.filter((_, i) => seqs[i] > last).join("\n"));
  }

  /** Closes and detaches at once: a peer that never reads may never finish the closing handshake. */
  close(code: number, reason: string, { defer = true } = {}): void {
    if (this.#closing) return;
    this.#closing = true;
    this.host.detach(this);
    const close = () => {
      try {
        this.socket.close(code, reason);
      } catch {
        // Already closed by the peer.
      }
    };
    // Deno 2.9 loses the close code (the peer sees an abnormal close, code 0) when close() runs
    // inside a message handler while more frames are arriving; a macrotask later it is clean.
    if (defer) setTimeout(close, 0);
    else close();
  }

  /**
   * Closes the socket once every frame already being handled is answered (a send past the rate
   * limit must not lose the acks of the sends stored before it); no frame is read meanwhile.
   */
  closeAfterPending(code: number, reason: string): void {
    this.#closeWhenDone ??= { code, reason };
    if (this.#pending === 0) this.close(code, reason);
  }

  #closeIfAsked(): void {
    if (this.#closeWhenDone) this.close(this.#closeWhenDone.code, this.#closeWhenDone.reason);
  }

  /** True at most once per `ms` for `key` (typing notices per room). */
  throttle(key: string, ms: number): boolean {
    const now = Date.now();
    this.#throttled ??= new Map();
    if (now - (this.#throttled.get(key) ?? -Infinity) < ms) return false;
    this.#throttled.set(key, now);
    return true;
  }

  /** Handles one incoming frame; never throws. */
  async receive(data: unknown): Promise<void> {
    if (this.#closing || this.#closeWhenDone) return;
    const max = this.host.config.maxFrameBytes;
    // UTF-8 takes at least one byte per UTF-16 unit, so a string longer than `max` is over it without
    // encoding it (encoding a 60 MB frame to measure it would copy it once more).
    const size = typeof data === "string"
      ? (data.length > max
        ? data.length
        : data.length > max / 3
        ? new TextEncoder().encode(data).byteLength
        : data.length)
      : data instanceof ArrayBuffer
      ? data.byteLength
      : (data as Blob).size ?? 0;
    if (size > max) return this.close(CloseCode.tooLarge, tooLargeReason(max));
    const parsed = parseClientFrame(data);
    if (!parsed.ok) return this.error(parsed.code, parsed.message);
    const frame = parsed.frame;
    this.#pending++;
    try {
      if (frame.type === "join") return await this.#join(frame);
      // Frames of a room wait for its join in progress or a send that holds it (`holdRoom`), as the
      // client sent them; only then: an await per message would cost a turn of the microtask queue.
      const room = "room" in frame && frame.type !== "leave" ? frame.room : undefined;
      let held = room === undefined ? undefined : this.#holds?.get(room);
      while (held) {
        await held;
        // A frame let go may hold the room again (a send that reads first): wait for that one too.
        const next = this.#holds?.get(room!);
        held = next === held ? undefined : next;
      }
      await this.host.dispatch(this, frame);
    } catch {
      this.error("internal", "Something went wrong on our side");
    } finally {
      if (--this.#pending === 0) this.#closeIfAsked();
    }
  }

  /**
   * Holds this socket's later frames of `room` until the returned release is called: a send that
   * reads before it appends (its member state not in memory, a file or a program to look up) keeps
   * its place in the order, as a join does.
   */
  holdRoom(room: string): () => void {
    const { promise, resolve } = Promise.withResolvers<void>();
    const holds = this.#holds ??= new Map();
    const before = holds.get(room);
    const held = before ? before.then(() => promise) : promise;
    holds.set(room, held);
    return () => {
      resolve();
      if (holds.get(room) === held) holds.delete(room);
    };
  }

  /** A join in progress; frames for its room that follow it wait for it. */
  async #join(frame: Extract<ClientFrame, { type: "join" }>): Promise<void> {
    const joining = Promise.resolve(this.host.dispatch(this, frame));
    (this.#holds ??= new Map()).set(frame.room, joining);
    try {
      await joining;
    } finally {
      if (this.#holds.get(frame.room) === joining) this.#holds.delete(frame.room);
    }
  }
}
