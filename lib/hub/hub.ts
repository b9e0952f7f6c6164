/**
 * The realtime core of one node (isolate or process): local sockets, rooms, presence, and the bus
 * that joins this node to the others. Every stored message goes through `deliver`, which sends it
 * to local readers in seq order and publishes it; other nodes refill gaps from the store.
 */
import type { Config } from "@/lib/ops/config.ts";
import type { Session, Store } from "@/lib/store/types.ts";
import type { Bus, BusEvent } from "@/lib/bus/types.ts";
import type { Message, Presence, ProgramSnapshot, SupportSummary } from "@/lib/shared/protocol.ts";
import { CloseCode } from "@/lib/shared/protocol.ts";
import { Connection, type ConnectionHost } from "@/lib/hub/connection.ts";
import { LiveRooms } from "@/lib/hub/live_rooms.ts";
import { answerFailure, defaultCanJoin, type JoinPolicy, joinRoom } from "@/lib/hub/join.ts";
import { HubPresence } from "@/lib/hub/presence.ts";
import { sessionKey, SessionSockets } from "@/lib/hub/session_sockets.ts";
import { log } from "@/lib/ops/log.ts";
import { withDeadline } from "@/lib/ops/deadline.ts";

export { defaultCanJoin, type JoinPolicy };

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
  readonly #sessionSockets: SessionSockets;
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
    const beatMs = options.beatMs ?? 2_000;
    this.#sessionSockets = new SessionSockets({
      node: this.nodeId,
      bus: this.bus,
      ttlMs: beatMs * 3,
      fullEveryMs: beatMs * 5,
    });
    this.#presence = new HubPresence({
      node: this.nodeId,
      bus: this.bus,
      store: this.store,
      beatMs,
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
    this.#sessionSockets.start();
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
    this.#sessionSockets.stop();
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
    this.#sessionSockets.setLocal(sessionKey(session.id), sessionConns.size);
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

  /** Sockets a session holds on every node (the route refuses past the limit). */
  socketCount(sessionId: string): number {
    return this.#sessionSockets.total(sessionKey(sessionId));
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

  join(conn: Connection, roomId: string, since?: number): Promise<void> {
    return joinRoom(
      {
        store: this.store,
        rooms: this.#rooms,
        presence: this.#presence,
        canJoin: this.canJoin,
        storeMs: this.#storeMs,
        leave: (c, room) => this.leave(c, room),
      },
      conn,
      roomId,
      since,
    );
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
      answerFailure(conn, err, { clientId, room });
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
    this.#sessionSockets.setLocal(sessionKey(conn.session.id), sessionConns?.size ?? 0);
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
      case "sockets":
        return this.#sessionSockets.onBus(event);
      default:
        this.#sessionSockets.onBus(event);
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
}
