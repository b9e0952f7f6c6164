/**
 * The realtime core of one node (isolate or process): local sockets, rooms, presence, and the bus
 * that joins this node to the others. Every stored message goes through `deliver`, which sends it
 * to local readers in seq order and publishes it; other nodes refill gaps from the store.
 */
import type { Config } from "@/lib/config.ts";
import type { Room, Session, Store } from "@/lib/store/types.ts";
import type { Bus, BusEvent } from "@/lib/bus/types.ts";
import type { ErrorCode, Message, Presence, ProgramSnapshot, SupportSummary } from "@/lib/protocol.ts";
import { CloseCode } from "@/lib/protocol.ts";
import { Connection, type ConnectionHost } from "@/lib/connection.ts";
import { LiveRooms, PAGE } from "@/lib/hub_rooms.ts";
import { HubPresence } from "@/lib/hub_presence.ts";
import { log } from "@/lib/log.ts";
import { StoreUnavailableError } from "@/lib/errors.ts";
import { withDeadline } from "@/lib/store/shared.ts";

/** Who may join a room; `true` or the error to send. */
export type JoinPolicy = (
  session: Session,
  room: Room,
) => Promise<true | { code: ErrorCode; message: string }>;
/** Turns a program id into the card to store, or null when there is no such program. */
export type ProgramResolver = (id: string, session: Session) => Promise<ProgramSnapshot | null>;
/** Runs after a socket's message was stored and delivered (support keeps its queue with it). */
export type StoredHook = (message: Message) => unknown;

export interface HubOptions {
  store: Store;
  bus: Bus;
  config: Config;
  nodeId?: string;
  canJoin?: JoinPolicy;
  resolveProgram?: ProgramResolver;
  onMessageStored?: StoredHook;
  /** Presence beat interval; a node silent for 3 beats is dropped. Default 2000 ms. */
  beatMs?: number;
  /**
   * The longest the hub waits on one store call before answering `unavailable` (a backstop for a
   * store without bounds of its own; the MongoDB store answers sooner). Default 15 s.
   */
  storeTimeoutMs?: number;
  /** A room task (join, gap refill) running longer stops holding up the room. Default ROOM_TASK_MS. */
  roomTaskMs?: number;
}

export interface HubStats {
  node: string;
  connections: number;
  rooms: number;
  messagesIn: number;
  messagesOut: number;
  sendErrors: number;
  gapsRefilled: number;
}

const LATEST = 50;

/**
 * @example
 * const hub = new Hub({ store, bus, config });
 * hub.start();
 * hub.attach(socket, session);
 * await hub.shutdown();
 */
export class Hub implements ConnectionHost {
  readonly nodeId: string;
  readonly store: Store;
  readonly bus: Bus;
  readonly config: Config;
  /** Replaceable policy hooks (accounts and support plug in here). */
  canJoin: JoinPolicy;
  resolveProgram?: ProgramResolver;
  /** Runs after a socket's message is stored and delivered (support: reopen, unread, queue push). */
  onMessageStored?: (message: Message) => unknown;
  readonly counters = { messagesIn: 0, messagesOut: 0, sendErrors: 0 };
  readonly #conns = new Set<Connection>();
  readonly #bySession = new Map<string, Set<Connection>>();
  readonly #rooms: LiveRooms;
  readonly #presence: HubPresence;
  #unsubscribe?: () => void;
  #closed = false;
  /** Stored on this node in the current tick, not yet published on the bus. */
  #outgoing: Message[] = [];
  #busWatch?: ReturnType<typeof setInterval>;
  /** False from a bus outage until this node has caught up on what the bus dropped meanwhile. */
  #busCaughtUp = true;
  readonly #storeMs: number;

  constructor(options: HubOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.config = options.config;
    this.nodeId = options.nodeId ?? crypto.randomUUID().slice(0, 8);
    this.canJoin = options.canJoin ?? defaultCanJoin(this.store);
    this.resolveProgram = options.resolveProgram;
    this.onMessageStored = options.onMessageStored;
    this.#rooms = new LiveRooms(this.store, { taskMs: options.roomTaskMs });
    this.#storeMs = options.storeTimeoutMs ?? 15_000;
    this.#presence = new HubPresence({
      node: this.nodeId,
      bus: this.bus,
      store: this.store,
      beatMs: options.beatMs ?? 2_000,
      onChange: (room, raw) => {
        for (const conn of this.#rooms.get(room)?.conns ?? []) conn.send(raw);
      },
    });
  }

  /** Subscribes to the bus and starts the presence beat. */
  start(): void {
    this.#unsubscribe = this.bus.subscribe((event) => this.#onBus(event));
    // Often enough to see even a short outage (a Redis reconnect takes at least 100 ms); a boolean read.
    this.#busWatch = setInterval(() => this.#watchBus(), 50);
    this.#presence.start();
  }

  /** Stops accepting, closes every socket with 1012, says goodbye on the bus, stops timers. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = [...this.#conns].map((c) =>
      new Promise<void>((resolve) => c.socket.addEventListener("close", () => resolve(), { once: true }))
    );
    for (const conn of [...this.#conns]) {
      conn.close(CloseCode.restart, "Server restarting", { defer: false });
    }
    clearInterval(this.#busWatch);
    this.#presence.stop();
    this.#unsubscribe?.();
    // Give close frames a moment to leave before the process exits; never wait on a dead peer.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(closed), new Promise((r) => timer = setTimeout(r, 500))]);
    clearTimeout(timer);
  }

  /** Takes over a freshly upgraded socket of a signed-in session. */
  attach(socket: WebSocket, session: Session): void {
    if (this.#closed) {
      socket.addEventListener("open", () => socket.close(CloseCode.restart, "Server restarting"));
      return;
    }
    const conn = new Connection(this, socket, session);
    this.#conns.add(conn);
    let sessionConns = this.#bySession.get(session.id);
    if (!sessionConns) this.#bySession.set(session.id, sessionConns = new Set());
    sessionConns.add(conn);
    // Ids only, built and written at once: nothing is kept per socket for it.
    log.info("ws.open", { conn: conn.id, user: session.userId, node: this.nodeId });
    socket.addEventListener("message", (e) => conn.receive(e.data));
    socket.addEventListener("close", (e) => {
      log.info("ws.close", {
        conn: conn.id,
        user: session.userId,
        node: this.nodeId,
        code: e.code,
        ms: Date.now() - conn.openedAt,
      });
      this.detach(conn);
    });
  }

  /** Sockets this node holds for a session (the route refuses past the limit). */
  socketCount(sessionId: string): number {
    return this.#bySession.get(sessionId)?.size ?? 0;
  }

  /** Call after every store append on this node: local readers in order, then the other nodes. */
  deliver(message: Message): void {
    // Published once per tick: one event per message made BroadcastChannel drop events under load
    // (a lagging receiver's queue holds 256), and a dropped one waited for the room's next message.
    if (this.#outgoing.push(message) === 1) setTimeout(() => this.#publishOutgoing(), 0);
    this.#rooms.deliver(message);
  }

  #publishOutgoing(): void {
    const messages = this.#outgoing;
    this.#outgoing = [];
    this.bus.publish(
      messages.length === 1 ? { t: "message", message: messages[0] } : { t: "messages", messages },
    );
  }

  presence(room: string): Presence {
    return this.#presence.table.presence(room);
  }

  /** Live participant counts of public rooms, for the lobby. */
  counts(): Record<string, number> {
    return this.#presence.counts();
  }

  /** Called whenever a public room's count changes; returns the unsubscribe function. */
  onCounts(listener: () => void): () => void {
    return this.#presence.onCounts(listener);
  }

  /** Sends a support queue line to every counselor socket on every node. */
  publishSupport(conversation: SupportSummary): void {
    this.bus.publish({ t: "support", conversation });
    this.#toCounselors(conversation);
  }

  /** Closes a session's sockets on every node (logout). */
  endSession(sessionId: string): void {
    this.bus.publish({ t: "session-ended", session: sessionId });
    this.#closeSession(sessionId);
  }

  stats(): HubStats {
    return {
      node: this.nodeId,
      connections: this.#conns.size,
      rooms: this.#rooms.size,
      ...this.counters,
      gapsRefilled: this.#rooms.gapsRefilled,
    };
  }

  // ConnectionHost ---------------------------------------------------------------------------

  async join(conn: Connection, roomId: string, since?: number): Promise<void> {
    let room: Room | null;
    try {
      room = await withDeadline(this.store.getRoom(roomId), this.#storeMs, "getRoom");
      if (!room) return conn.error("not_found", "No such room", { room: roomId });
      const verdict = await withDeadline(this.canJoin(conn.session, room), this.#storeMs, "canJoin");
      if (verdict !== true) return conn.error(verdict.code, verdict.message, { room: roomId });
    } catch (err) {
      return this.#failed(conn, err, { room: roomId });
    }
    this.#presence.learnVisibility(room);
    const live = this.#rooms.open(roomId);
    const roomLastSeq = room.lastSeq;
    await this.#rooms.run(live, async (signal) => {
      if (conn.closing) return;
      // Overdue (the room's queue moved on without it): answer now, and join no more, since what the
      // queue delivered meanwhile could be skipped. The client may join again.
      const overdue = () => this.#failed(conn, new StoreUnavailableError("join timed out"), { room: roomId });
      signal.addEventListener("abort", overdue, { once: true });
      const replay = since !== undefined;
      let messages: Message[];
      try {
        messages = await withDeadline(
          this.store.listMessages(roomId, replay ? { after: since, limit: PAGE } : { limit: LATEST }),
          this.#storeMs,
          "listMessages",
        );
      } catch (err) {
        signal.removeEventListener("abort", overdue);
        return this.#failed(conn, err, { room: roomId });
      }
      signal.removeEventListener("abort", overdue);
      if (conn.closing || signal.aborted) return;
      // Joined already on this socket: what it was sent is on its way; never send a seq twice.
      const sent = conn.rooms.get(roomId);
      const rejoin = sent !== undefined;
      const fresh = rejoin ? messages.filter((m) => m.seq > sent) : messages;
      const seq = Math.max(
        sent ?? 0,
        messages.at(-1)?.seq ?? (replay ? Math.min(since, roomLastSeq) : roomLastSeq),
      );
      conn.rooms.set(roomId, seq);
      live.conns.add(conn);
      if (!rejoin) this.#presence.addLocal(roomId, conn.user);
      const hasMore = !replay && messages.length === LATEST && messages[0].seq > 1;
      conn.frame({
        type: "joined",
        room: roomId,
        seq,
        messages: fresh,
        presence: this.presence(roomId),
        hasMore,
      });
      try {
        // A long absence: the rest of the replay follows as live messages, page by page, in order.
        let page = messages;
        while (replay && page.length === PAGE && !conn.closing) {
          const after = page[PAGE - 1].seq;
          page = await withDeadline(
            this.store.listMessages(roomId, { after, limit: PAGE }),
            this.#storeMs,
            "listMessages",
          );
          if (signal.aborted) throw new StoreUnavailableError("join timed out");
          for (const m of page) {
            conn.sendMessage(roomId, m.seq, JSON.stringify({ type: "message", room: roomId, message: m }));
          }
        }
      } catch (err) {
        // Half a replay: leave the room, so that the client's next join (with its last seq) is whole.
        this.leave(conn, roomId);
        return this.#failed(conn, err, { room: roomId });
      }
      const upTo = conn.rooms.get(roomId) ?? seq;
      // The first reader sets the room's position; otherwise bring the room's other readers up to it.
      if (live.last < 0) live.last = upTo;
      else if (live.last < upTo) {
        await this.#rooms.refill(live, upTo).catch((err) =>
          // The room's next message refills the gap again (LiveRooms.#inOrder).
          log.warn("hub.gap_refill_failed", { room: roomId, to: upTo, error: String(err) })
        );
      }
      log.info("ws.join", { conn: conn.id, user: conn.user.id, room: roomId, since: since ?? null, seq });
    }).catch((err) => this.#failed(conn, err, { room: roomId }));
  }

  leave(conn: Connection, roomId: string): void {
    if (!conn.rooms.delete(roomId)) return;
    const live = this.#rooms.get(roomId);
    if (live) {
      live.conns.delete(conn);
      this.#rooms.forgetIfIdle(live);
    }
    this.#presence.removeLocal(roomId, conn.user.id);
  }

  async send(conn: Connection, room: string, clientId: string, content: { text?: string; program?: string }) {
    this.counters.messagesIn++;
    try {
      let program: ProgramSnapshot | undefined;
      if (content.program !== undefined) {
        program = (await this.resolveProgram?.(content.program, conn.session)) ?? undefined;
        if (!program) return conn.error("not_found", "No such program", { clientId, room });
      }
      const { message, duplicate } = await withDeadline(
        this.store.appendMessage({
          room,
          kind: program ? "program" : "text",
          author: conn.user,
          clientId,
          ...(program ? { program } : { text: content.text }),
        }),
        this.#storeMs,
        "appendMessage",
      );
      if (!duplicate) {
        this.deliver(message);
        // Never delays the ack; a failure here must not fail the send.
        Promise.resolve().then(() => this.onMessageStored?.(message))
          .catch((err) => log.warn("hub.after_store", { room, error: String(err) }));
      } else {
        // A resend of an append that timed out yet was stored: that first try delivered nothing, and
        // with no later message in the room no gap would show it. Readers drop a seq they already have.
        this.deliver(message);
      }
      conn.frame({ type: "ack", clientId, id: message.id, seq: message.seq });
    } catch (err) {
      this.#failed(conn, err, { clientId, room });
    }
  }

  typing(conn: Connection, room: string): void {
    this.bus.publish({ t: "typing", room, user: conn.user });
    this.#typingLocal(room, conn.user);
  }

  detach(conn: Connection): void {
    if (!this.#conns.delete(conn)) return;
    const sessionConns = this.#bySession.get(conn.session.id);
    sessionConns?.delete(conn);
    if (sessionConns?.size === 0) this.#bySession.delete(conn.session.id);
    for (const room of [...conn.rooms.keys()]) this.leave(conn, room);
  }

  // Internals --------------------------------------------------------------------------------

  /**
   * Messages published while the bus was down never arrive, and with no later message no gap shows;
   * so once the bus is back, every room with local readers is brought up to the store's last seq.
   */
  #watchBus(): void {
    if (!this.bus.healthy()) {
      this.#busCaughtUp = false;
      return;
    }
    if (this.#busCaughtUp) return;
    this.#busCaughtUp = true;
    for (const live of this.#rooms.values()) {
      if (live.last < 0) continue;
      this.#rooms.run(live, async () => {
        const room = await this.store.getRoom(live.id);
        if (room && room.lastSeq > live.last) await this.#rooms.refill(live, room.lastSeq);
      }).catch((err) => {
        this.#busCaughtUp = false; // the store is away too: try again on the next tick
        log.warn("hub.bus_catch_up_failed", { room: live.id, error: String(err) });
      });
    }
  }

  #onBus(event: BusEvent): void {
    switch (event.t) {
      case "message":
        return this.#rooms.deliver(event.message);
      case "messages":
        return event.messages.forEach((message) => this.#rooms.deliver(message));
      case "typing":
        return this.#typingLocal(event.room, event.user);
      case "support":
        return this.#toCounselors(event.conversation);
      case "session-ended":
        return this.#closeSession(event.session);
      default:
        return this.#presence.onBus(event);
    }
  }

  #typingLocal(room: string, user: { id: string; name: string; role: Session["role"] }): void {
    const live = this.#rooms.get(room);
    if (!live) return;
    const raw = JSON.stringify({ type: "typing", room, user });
    for (const conn of live.conns) if (conn.user.id !== user.id) conn.send(raw);
  }

  /** Counselors see every queue line; the conversation's own user sees theirs (its state line). */
  #toCounselors(conversation: SupportSummary): void {
    const raw = JSON.stringify({ type: "support", conversation });
    for (const conn of this.#conns) {
      if (conn.user.role === "counselor" || conn.user.id === conversation.user.id) conn.send(raw);
    }
  }

  #closeSession(sessionId: string): void {
    for (const conn of [...(this.#bySession.get(sessionId) ?? [])]) {
      conn.close(CloseCode.loggedOut, "Session ended");
    }
  }

  async #afterStored(message: Message): Promise<void> {
    try {
      await this.onMessageStored?.(message);
    } catch (err) {
      log.warn("hub.on_message_stored_failed", {
        room: message.room,
        message: message.id,
        error: String(err),
      });
    }
  }

  #failed(conn: Connection, err: unknown, where: { clientId?: string; room?: string }): void {
    const unavailable = err instanceof Error && err.name === "StoreUnavailableError";
    log.warn("ws.error", {
      conn: conn.id,
      user: conn.user.id,
      ...where,
      error: unavailable ? "unavailable" : String(err),
      ...(unavailable ? { why: String((err as Error).message).slice(0, 160) } : {}),
    });
    if (unavailable) conn.error("unavailable", "The database is unavailable; try again shortly", where);
    else conn.error("internal", "Something went wrong on our side", where);
  }
}

/** Public rooms: anyone; private: members and the owner; support: its user and any counselor. */
export function defaultCanJoin(store: Store): JoinPolicy {
  return async (session, room) => {
    if (room.visibility === "public") return true;
    if (room.visibility === "support") {
      return room.ownerId === session.userId || session.role === "counselor"
        ? true
        : { code: "forbidden", message: "This conversation is not yours" };
    }
    if (room.ownerId === session.userId || await store.isMember(room.id, session.userId)) return true;
    return { code: "forbidden", message: "This room needs an invite" };
  };
}
