/**
 * A chat client for fault and soak tests that keeps an outbox, like the browser's, but hides
 * nothing: every seq it receives twice is counted, every send stays in the outbox until its `ack`,
 * and on reconnect (to the next URL of its list, i.e. another process) it re-joins with `since`
 * and resends the outbox with the same clientIds.
 */
import type { Message, Presence, ServerFrame, UserRef } from "@/lib/shared/protocol.ts";
import { changed } from "./changes.ts";

export interface OutboxClientOptions {
  /** `ws://…/ws` of every process; each reconnect moves to the next one. */
  urls: string[];
  cookie: string;
  rooms: string[];
  /** Delay before reconnecting after a close. Default 100 ms. */
  retryMs?: number;
  /** A send answered with an error (e.g. `unavailable`) is sent again after this long, doubling with
   * each further error up to 8 s (with jitter). Default 500 ms. */
  retryErrorMs?: number;
  /** A send with no answer at all is sent again after this long on the same socket. Default 10 s. */
  resendMs?: number;
  /** Index into `urls` of the first connection. Default 0. */
  first?: number;
}

interface Pending {
  room: string;
  text: string;
  sentAt: number;
  /** Set by an error answer: when to send again. */
  retryAt?: number;
  /** Error answers so far: each one doubles the wait before the next try (a busy store recovers). */
  failures?: number;
}

export class OutboxClient {
  readonly outbox = new Map<string, Pending>();
  /** clientId → seq of its stored message. */
  readonly acked = new Map<string, number>();
  /** room → seq → message, as received over the socket (live or replayed on join). */
  readonly received = new Map<string, Map<number, Message>>();
  /** Seqs received a second time, as `room:seq`. Must stay empty. */
  readonly doubled: string[] = [];
  readonly presence = new Map<string, Presence>();
  readonly typing: { room: string; user: UserRef }[] = [];
  readonly errors: { code: string; clientId?: string }[] = [];
  readonly closeCodes: number[] = [];
  opens = 0;
  /** The URL of the current (or last) connection. */
  url = "";

  #ws: WebSocket | null = null;
  #joined = new Set<string>();
  #rejoining = new Set<string>();
  #index: number;
  #stopped = false;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #counter = 0;
  #prefix = crypto.randomUUID().slice(0, 8);

  constructor(readonly options: OutboxClientOptions) {
    this.#index = options.first ?? 0;
    for (const room of options.rooms) this.received.set(room, new Map());
    this.#connect();
    this.#every(250, () => this.#resendStale());
  }

  /** Rooms joined on the current connection. */
  get joinedRooms(): number {
    return this.#joined.size;
  }

  get open(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** The highest seq received in a room (0 when none). */
  lastSeq(room: string): number {
    let max = 0;
    for (const seq of this.received.get(room)?.keys() ?? []) max = Math.max(max, seq);
    return max;
  }

  /** Queues a text message; it is sent now if the room is joined, else after the next join. */
  send(room: string, text: string, clientId = `${this.#prefix}-${++this.#counter}`): string {
    this.outbox.set(clientId, { room, text, sentAt: Date.now() });
    if (this.#joined.has(room)) this.#frame({ type: "send", room, clientId, text });
    return clientId;
  }

  sendTyping(room: string): void {
    this.#frame({ type: "typing", room });
  }

  /** Cuts the connection as a network drop would; the client reconnects to the next URL. */
  drop(): void {
    this.#ws?.close(4000, "test drop");
  }

  /** Closes for good and waits for the socket to be gone. */
  async close(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t), clearInterval(t);
    this.#timers.clear();
    const ws = this.#ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => ws.addEventListener("close", resolve, { once: true }));
      ws.close();
      await closed;
    }
  }

  #every(ms: number, fn: () => void) {
    this.#timers.add(setInterval(fn, ms));
  }

  #later(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #frame(frame: Record<string, unknown>) {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(frame));
  }

  #connect() {
    if (this.#stopped) return;
    const urls = this.options.urls;
    this.url = urls[this.#index % urls.length];
    // Deno's WebSocket takes request headers; the project's "dom" lib types hide that overload.
    const init = { headers: { cookie: this.options.cookie } } as unknown as string[];
    const ws = new WebSocket(this.url, init);
    this.#ws = ws;
    this.#joined.clear();
    ws.onopen = () => {
      this.opens++;
      for (const room of this.options.rooms) {
        const since = this.lastSeq(room);
        this.#frame({ type: "join", room, ...(this.opens > 1 || since > 0 ? { since } : {}) });
      }
      changed();
    };
    ws.onmessage = (e) => {
      for (const line of String(e.data).split("\n")) if (line) this.#onFrame(JSON.parse(line));
      changed();
    };
    ws.onerror = () => {}; // onclose follows and reconnects
    ws.onclose = (e) => {
      if (this.#ws !== ws) return;
      this.closeCodes.push(e.code);
      this.#joined.clear();
      this.#index++;
      // 1012 means "restarting: reconnect at once"; `deno serve` itself closes with 1001 on SIGTERM.
      const now = e.code === 1012 || e.code === 1001;
      if (!this.#stopped) this.#later(now ? 0 : this.options.retryMs ?? 100, () => this.#connect());
      changed();
    };
  }

  #record(room: string, message: Message) {
    const seen = this.received.get(room) ?? new Map<number, Message>();
    this.received.set(room, seen);
    if (seen.has(message.seq)) this.doubled.push(`${room}:${message.seq}`);
    else seen.set(message.seq, message);
  }

  #onFrame(frame: ServerFrame) {
    switch (frame.type) {
      case "joined":
        for (const m of frame.messages) this.#record(frame.room, m);
        this.presence.set(frame.room, frame.presence);
        this.#joined.add(frame.room);
        for (const [clientId, p] of this.outbox) {
          if (p.room !== frame.room) continue;
          p.sentAt = Date.now();
          p.retryAt = undefined;
          this.#frame({ type: "send", room: p.room, clientId, text: p.text });
        }
        break;
      case "message":
        this.#record(frame.room, frame.message);
        break;
      case "ack":
        this.outbox.delete(frame.clientId);
        this.acked.set(frame.clientId, frame.seq);
        break;
      case "presence":
        this.presence.set(frame.room, { count: frame.count, members: frame.members });
        break;
      case "typing":
        this.typing.push({ room: frame.room, user: frame.user });
        break;
      case "error": {
        this.errors.push({ code: frame.code, clientId: frame.clientId });
        const pending = frame.clientId ? this.outbox.get(frame.clientId) : undefined;
        if (pending) {
          pending.failures = (pending.failures ?? 0) + 1;
          const wait = Math.min(8_000, (this.options.retryErrorMs ?? 500) * 2 ** (pending.failures - 1));
          pending.retryAt = Date.now() + wait * (0.5 + Math.random());
        }
        // A join the store failed (no clientId), or a send the server says is outside the room (a
        // replay that failed halfway leaves it): join again, with since, after a pause. (A typing
        // frame's not_joined, before the join is answered, is no reason.)
        const room = frame.room;
        const joinFailed = !frame.clientId && (frame.code === "unavailable" || frame.code === "internal");
        if (room && (joinFailed || (frame.clientId && frame.code === "not_joined"))) this.#rejoin(room);
        break;
      }
    }
  }

  #rejoin(room: string) {
    if (this.#rejoining.has(room)) return;
    this.#rejoining.add(room);
    this.#joined.delete(room);
    const ws = this.#ws;
    this.#later(this.options.retryErrorMs ?? 500, () => {
      this.#rejoining.delete(room);
      if (this.#ws === ws) this.#frame({ type: "join", room, since: this.lastSeq(room) });
    });
  }

  /** Sends again what waited too long for its ack (e.g. answered `unavailable` while the DB was away). */
  #resendStale() {
    const now = Date.now();
    const due = now - (this.options.resendMs ?? 10_000);
    for (const [clientId, p] of this.outbox) {
      if (!this.#joined.has(p.room) || (p.sentAt > due && (p.retryAt ?? Infinity) > now)) continue;
      p.sentAt = now;
      p.retryAt = undefined;
      this.#frame({ type: "send", room: p.room, clientId, text: p.text });
    }
  }
}
