/**
 * The browser side of `GET /ws`: ONE WebSocket per tab shared by every chat pane. It re-joins rooms
 * after a reconnect with `since` (so nothing is lost), drops messages it already has (by seq), and
 * resends unacknowledged sends with their original clientId (the server makes them once).
 * Browser-safe: no DOM beyond WebSocket/timers, no server imports, types only from the protocol.
 */
import { CloseCode, type ServerFrame } from "@/lib/shared/protocol.ts";
import { browserClock, type ConnectionStatus, retryDelay, sameStatus } from "@/lib/browser/status.ts";
import { Outbox, type SendBody } from "@/lib/browser/outbox.ts";
import type { ChatConnectionOptions, RoomHandlers, SocketLike } from "@/lib/browser/types.ts";
import { dispatchFrame, type FrameHost, type RoomState } from "@/lib/browser/room_frames.ts";

export * from "@/lib/shared/chat_view.ts";
export * from "@/lib/browser/status.ts";
export * from "@/lib/browser/outbox.ts";
export type * from "@/lib/browser/types.ts";
export { RETRIED_CODES } from "@/lib/browser/room_frames.ts";

const TYPING_EVERY_MS = 2500;
const { unauthorized, loggedOut, tooManySockets } = CloseCode;
const NO_RETRY_CODES = new Set<number>([unauthorized, loggedOut, tooManySockets]);
const ROOM_RETRY_MS = 2_000;
/**
 * After the server said it is restarting (1012, or 1001 from `deno serve`), reconnect at once and
 * then every second for this many tries: a restart takes seconds, and a doubling backoff would
 * leave the reader waiting 10 s for a server that came back after 3.
 */
const RESTART_FAST_TRIES = 20;
const RESTART_RETRY_MS = 1_000;

/**
 * @example
 * const conn = new ChatConnection({ url: "wss://example.com/ws" });
 * conn.join("01J...", { message: (m) => console.log(m.text) });
 * conn.send("01J...", { text: "hi" });
 */
export class ChatConnection {
  #opts: Required<ChatConnectionOptions>;
  #socket: SocketLike | null = null;
  #rooms = new Map<string, RoomState>();
  #outbox = new Outbox();
  #listeners = new Set<(s: ConnectionStatus) => void>();
  #frameListeners = new Set<(f: ServerFrame) => void>();
  #status: ConnectionStatus = { state: "closed", retryIn: null };
  #attempt = 0;
  /** Tries left at the fast pace since the server said it was restarting. */
  #restartTries = 0;
  #retryAt = 0;
  #retryTimer: number | null = null;
  #tickTimer: number | null = null;
  #pingTimer: number | null = null;
  /** Rooms to join again after an `unavailable` answer (the store was away for a moment). */
  #roomRetries = new Map<string, number>();
  #lastFrameAt = 0;
  #stopped = true;
  /** What the frame dispatcher may touch. */
  #frameHost: FrameHost = {
    rooms: this.#rooms,
    outbox: this.#outbox,
    raw: (frame) => this.#raw(frame),
    retryRoom: (room) => this.#retryRoom(room),
  };

  constructor(options: ChatConnectionOptions) {
    this.#opts = {
      createSocket: (url) => new WebSocket(url),
      clock: browserClock,
      random: Math.random,
      pingEvery: 25_000,
      ...options,
    };
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Calls `fn` now and on every status change (and every second of a countdown); returns unsubscribe. */
  subscribe(fn: (s: ConnectionStatus) => void): () => void {
    this.#listeners.add(fn);
    fn(this.#status);
    return () => this.#listeners.delete(fn);
  }

  /** Every parsed server frame, for frames not tied to a room (e.g. `support`). */
  onFrame(fn: (f: ServerFrame) => void): () => void {
    this.#frameListeners.add(fn);
    return () => this.#frameListeners.delete(fn);
  }

  /** Subscribes to a room; `since` when the caller already holds messages up to that seq. */
  join(room: string, handlers: RoomHandlers, since?: number): void {
    const known = this.#rooms.get(room);
    const state: RoomState = {
      handlers,
      lastSeq: Math.max(known?.lastSeq ?? 0, since ?? 0),
      joinedOnce: known?.joinedOnce ?? since !== undefined,
      joined: false,
      lastTyping: -Infinity,
    };
    this.#rooms.set(room, state);
    if (this.#stopped) this.connect();
    else if (this.#socket?.readyState === 1) this.#sendJoin(room, state);
  }

  leave(room: string): void {
    if (!this.#rooms.delete(room)) return;
    this.#outbox.dropRoom(room);
    this.#raw({ type: "leave", room });
  }

  /** Queues a message; returns its clientId. It is (re)sent until acknowledged or refused. */
  send(room: string, body: SendBody): string {
    const frame = this.#outbox.add(room, body, crypto.randomUUID());
    // Before the room is joined the server would refuse it; `joined` sends the outbox.
    const state = this.#rooms.get(room);
    if (!state || state.joined) this.#raw(frame);
    return frame.clientId;
  }

  /** Changes one of the user's messages; the room's `update` shows it (an `error` when refused). */
  edit(room: string, id: string, text: string): void {
    this.#raw({ type: "edit", room, id, text });
  }

  /** Deletes a message (the user's own; a room's owner or a counselor in support: any). */
  remove(room: string, id: string): void {
    this.#raw({ type: "delete", room, id });
  }

  /** Toggles the user's reaction on a message. */
  react(room: string, id: string, emoji: string): void {
    this.#raw({ type: "react", room, id, emoji });
  }

  /** Says the user has read the room up to `seq` (the server never moves it back). */
  read(room: string, seq: number): void {
    const state = this.#rooms.get(room);
    if (state?.joined) this.#raw({ type: "read", room, seq });
  }

  /** Tells the room this user is typing, at most once every 2.5 s. */
  typing(room: string): void {
    const state = this.#rooms.get(room);
    const now = this.#opts.clock.now();
    if (!state?.joined || now - state.lastTyping < TYPING_EVERY_MS) return;
    state.lastTyping = now;
    this.#raw({ type: "typing", room });
  }

  /** The clientIds still waiting for an ack. */
  get pending(): string[] {
    return this.#outbox.ids;
  }

  connect(): void {
    this.#stopped = false;
    this.#clearTimers();
    this.#setStatus(this.#attempt === 0 ? { state: "connecting" } : { state: "closed", retryIn: 0 });
    const socket = this.#opts.createSocket(this.#opts.url);
    this.#socket = socket;
    socket.onopen = () => this.#onOpen(socket);
    socket.onmessage = (ev) => this.#onData(socket, ev.data);
    socket.onclose = (ev) => this.#onClose(socket, ev.code, ev.reason);
    socket.onerror = () => {/* a close event always follows */};
  }

  /** Skips the wait (e.g. the browser came back online). */
  retryNow(): void {
    if (!this.#stopped && this.#status.state === "closed" && this.#retryTimer !== null) this.connect();
  }

  /** Closes for good (the page is going away). */
  close(): void {
    this.#stopped = true;
    this.#clearTimers();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, "bye");
    this.#setStatus({ state: "closed", retryIn: null });
  }

  #raw(frame: object): void {
    if (this.#socket?.readyState === 1) this.#socket.send(JSON.stringify(frame));
  }

  #sendJoin(room: string, state: RoomState): void {
    state.joined = false;
    this.#raw(state.joinedOnce ? { type: "join", room, since: state.lastSeq } : { type: "join", room });
  }

  #onOpen(socket: SocketLike): void {
    if (socket !== this.#socket) return;
    this.#attempt = 0;
    this.#restartTries = 0;
    this.#lastFrameAt = this.#opts.clock.now();
    this.#setStatus({ state: "open" });
    for (const [room, state] of this.#rooms) this.#sendJoin(room, state);
    this.#schedulePing();
  }

  #onData(socket: SocketLike, data: unknown): void {
    if (socket !== this.#socket || typeof data !== "string") return;
    this.#lastFrameAt = this.#opts.clock.now();
    // Under load the server coalesces several frames into one, separated by newlines.
    for (const line of data.split("\n")) {
      if (!line.trim()) continue;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(line);
      } catch {
        continue;
      }
      this.#dispatch(frame);
    }
  }

  #dispatch(frame: ServerFrame): void {
    for (const fn of this.#frameListeners) fn(frame);
    dispatchFrame(this.#frameHost, frame);
  }

  #onClose(socket: SocketLike, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    this.#clearTimers();
    for (const state of this.#rooms.values()) state.joined = false;
    if (this.#stopped) return;
    if (NO_RETRY_CODES.has(code)) {
      this.#stopped = true;
      this.#setStatus({ state: "closed", retryIn: null, reason: reason || "Signed out", code });
      return;
    }
    // 1012: the server is restarting: reconnect at once (a little spread so tabs do not all arrive in
    // the same millisecond), then every second while it comes back. 1001 too: on SIGTERM `deno serve`
    // closes with 1001 "Server shutting down" before the app's 1012.
    const restart = code === CloseCode.restart || code === CloseCode.goingAway;
    if (restart && this.#attempt === 0) this.#restartTries = RESTART_FAST_TRIES;
    const delay = restart && this.#attempt === 0
      ? Math.round(250 * this.#opts.random())
      : this.#restartTries-- > 0
      ? Math.round(RESTART_RETRY_MS * (0.8 + 0.4 * this.#opts.random()))
      : retryDelay(this.#attempt, this.#opts.random);
    this.#attempt++;
    this.#retryAt = this.#opts.clock.now() + delay;
    this.#retryTimer = this.#opts.clock.setTimeout(() => this.connect(), delay);
    this.#tick();
  }

  #tick(): void {
    const left = Math.max(0, Math.ceil((this.#retryAt - this.#opts.clock.now()) / 1000));
    this.#setStatus({ state: "closed", retryIn: left });
    if (left > 0) this.#tickTimer = this.#opts.clock.setTimeout(() => this.#tick(), 1000);
  }

  #schedulePing(): void {
    const every = this.#opts.pingEvery;
    this.#pingTimer = this.#opts.clock.setTimeout(() => {
      const socket = this.#socket;
      if (!socket) return;
      if (this.#opts.clock.now() - this.#lastFrameAt > every * 2.5) {
        // Silent for too long: the network dropped without a close; treat it as closed.
        socket.onclose = null;
        socket.close(4000, "timeout");
        this.#onClose(socket, 4000, "timeout");
        return;
      }
      this.#raw({ type: "ping" });
      this.#schedulePing();
    }, every);
  }

  /** Joins `room` again (with `since`) in a moment; its `joined` resends the room's outbox. */
  #retryRoom(room: string): void {
    if (this.#roomRetries.has(room)) return;
    this.#roomRetries.set(
      room,
      this.#opts.clock.setTimeout(() => {
        this.#roomRetries.delete(room);
        const state = this.#rooms.get(room);
        if (state) this.#sendJoin(room, state);
      }, ROOM_RETRY_MS),
    );
  }

  #clearTimers(): void {
    for (const t of this.#roomRetries.values()) this.#opts.clock.clearTimeout(t);
    this.#roomRetries.clear();
    for (const t of [this.#retryTimer, this.#tickTimer, this.#pingTimer]) {
      if (t !== null) this.#opts.clock.clearTimeout(t);
    }
    this.#retryTimer = this.#tickTimer = this.#pingTimer = null;
  }

  #setStatus(status: ConnectionStatus): void {
    if (sameStatus(this.#status, status)) return;
    this.#status = status;
    for (const fn of this.#listeners) fn(status);
  }
}
