/**
 * One WebSocket of one session: parses client frames, applies the limits of SPEC.md (frame size,
 * text length, send rate) and hands valid requests to the hub. Outgoing frames go through `send`,
 * which closes the socket with 4008 once its outgoing buffer passes the bound.
 */
import type { Config } from "@/lib/ops/config.ts";
import type { Session } from "@/lib/store/types.ts";
import { CloseCode, type ErrorCode, type ServerFrame, type UserRef } from "@/lib/shared/protocol.ts";
import { parseClientFrame } from "@/lib/shared/protocol_schema.ts";
import { RateLimiter } from "@/lib/hub/rate.ts";
import { type Locale, localizeError } from "@/lib/shared/i18n/mod.ts";

/** What a connection needs from its hub. */
export interface ConnectionHost {
  readonly config: Config;
  join(conn: Connection, room: string, since?: number): Promise<void>;
  leave(conn: Connection, room: string): void;
  send(
    conn: Connection,
    room: string,
    clientId: string,
    content: { text?: string; program?: string },
  ): Promise<void>;
  typing(conn: Connection, room: string): void;
  /** The connection is gone (closed by either side); idempotent. */
  detach(conn: Connection): void;
  counters: { messagesOut: number; sendErrors: number };
}

/** Typing notices from one socket for one room are passed on at most this often. */
const TYPING_INTERVAL_MS = 1_000;

let nextId = 1;

/**
 * Text length is counted in Unicode code points (what a person calls characters; an emoji is one),
 * after the client's text is taken as is. Empty or whitespace-only text is refused.
 *
 * @example
 * checkText("hi", 2000); // null (fine)
 * checkText("  ", 2000); // "Enter a message"
 */
export function checkText(text: string, max: number): string | null {
  if (text.trim() === "") return "Enter a message";
  // UTF-16 length ≥ code points, so only long strings need counting.
  if (text.length > max && [...text].length > max) return `A message is at most ${max} characters`;
  return null;
}

export class Connection {
  readonly id = nextId++;
  readonly user: UserRef;
  /** room → the highest seq this socket was sent; a message at or below it is never sent again. */
  readonly rooms = new Map<string, number>();
  readonly openedAt = Date.now();
  #closing = false;
  /** Made on first use: most sockets of a big room only read, and each idle socket's bytes count. */
  #rate?: RateLimiter;
  #lastTyping?: Map<string, number>;
  /** Joins not yet answered, by room (made on first use: most sockets never need it). */
  #joining?: Map<string, Promise<void>>;

  /**
   * `session.locale` is the reader's language of the upgrade request (routes/ws.ts adds it): error
   * frames are written in it.
   */
  constructor(
    readonly host: ConnectionHost,
    readonly socket: WebSocket,
    readonly session: Session & { locale?: Locale },
  ) {
    this.user = { id: session.userId, name: session.name, role: session.role };
  }

  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Sends one serialized frame. Returns false when the socket is closed or was just closed for
   * being too slow (its buffer already held more than the bound).
   */
  send(raw: string): boolean {
    if (this.#closing || this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.socket.bufferedAmount > this.host.config.maxBufferedBytes) {
      this.close(CloseCode.slowReader, "Too slow: outgoing buffer full");
      return false;
    }
    try {
      this.socket.send(raw);
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
  sendMessages(room: string, seqs: number[], frame: string, lines: string[]): void {
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

  /** Handles one incoming frame; never throws. */
  async receive(data: unknown): Promise<void> {
    if (this.#closing) return;
    const max = this.host.config.maxFrameBytes;
    const size = typeof data === "string"
      ? (data.length > max / 3 ? new TextEncoder().encode(data).byteLength : data.length)
      : data instanceof ArrayBuffer
      ? data.byteLength
      : (data as Blob).size ?? 0;
    if (size > max) return this.close(CloseCode.tooLarge, `Frame over ${max} bytes`);
    const parsed = parseClientFrame(data);
    if (!parsed.ok) return this.error(parsed.code, parsed.message);
    const frame = parsed.frame;
    switch (frame.type) {
      case "ping":
        this.frame({ type: "pong" });
        return;
      case "join":
        return await this.#join(frame.room, frame.since);
      case "leave":
        return this.host.leave(this, frame.room);
      case "typing": {
        const joining = this.#joining?.get(frame.room);
        if (joining) await joining;
        if (!this.rooms.has(frame.room)) {
          return this.error("not_joined", "Join the room first", { room: frame.room });
        }
        const now = Date.now();
        this.#lastTyping ??= new Map();
        if (now - (this.#lastTyping.get(frame.room) ?? 0) < TYPING_INTERVAL_MS) return;
        this.#lastTyping.set(frame.room, now);
        return this.host.typing(this, frame.room);
      }
      case "send":
        return await this.#send(frame.room, frame.clientId, frame.text, frame.program);
    }
  }

  /** A join in progress; frames for its room that follow it wait for it, as the client sent them. */
  async #join(room: string, since?: number): Promise<void> {
    const joining = this.host.join(this, room, since);
    (this.#joining ??= new Map()).set(room, joining);
    try {
      await joining;
    } finally {
      if (this.#joining.get(room) === joining) this.#joining.delete(room);
    }
  }

  async #send(room: string, clientId: string, text?: string, program?: string): Promise<void> {
    const refuse = (code: ErrorCode, message: string) => this.error(code, message, { clientId, room });
    // Only when a join is in progress: an await per message would cost a turn of the microtask queue.
    const joining = this.#joining?.get(room);
    if (joining) await joining;
    if (!this.rooms.has(room)) return refuse("not_joined", "Join the room first");
    if ((text === undefined) === (program === undefined)) {
      return refuse("bad_frame", "Send either text or program");
    }
    if (text !== undefined) {
      const problem = checkText(text, this.host.config.maxTextLength);
      if (problem) return refuse(problem === "Enter a message" ? "bad_request" : "too_large", problem);
    } else if (this.session.role !== "counselor") {
      return refuse("forbidden", "Only counselors send programs");
    }
    // Only valid sends spend tokens: a typo should not eat the user's burst.
    const { rateBurst: burst, ratePerSecond: perSecond } = this.host.config;
    const decision = (this.#rate ??= new RateLimiter({ burst, perSecond })).take();
    if (decision === "abuse") return this.close(CloseCode.rateLimited, "Too many messages");
    if (decision === "limited") return refuse("rate_limited", "Slow down: too many messages");
    await this.host.send(this, room, clientId, { text, program });
  }
}
