/**
 * The realtime core of one node (isolate or process), put together from its parts: the sockets
 * (`registry.ts`), the rooms and their readers (`live_rooms.ts`), the frame handlers (`frames.ts`,
 * the send path in `send.ts`), the bus (`dispatch.ts`, `catch_up.ts`), presence (`presence.ts`) and
 * the plugins handed in at boot (`plugins.ts`). Every stored room change goes through `deliver`,
 * which sends it to local readers in seq order and publishes it; other nodes refill gaps from the store.
 */
import type { Config } from "@/lib/ops/config.ts";
import type { Room, Session, Store } from "@/lib/store/types.ts";
import type { Bus } from "@/lib/bus/types.ts";
import type { ClientFrame, Presence, SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import { CloseCode } from "@/lib/shared/protocol.ts";
import { Connection, type ConnectionHost } from "@/lib/hub/connection.ts";
import { LiveRooms } from "@/lib/hub/live_rooms.ts";
import { defaultCanJoin, type JoinPolicy, joinRoom } from "@/lib/hub/join.ts";
import { HubPresence } from "@/lib/hub/presence.ts";
import { SessionSockets } from "@/lib/hub/session_sockets.ts";
import { Registry } from "@/lib/hub/registry.ts";
import { type HubPlugin, Plugins } from "@/lib/hub/plugins.ts";
import { busDispatch, BusOutbox } from "@/lib/hub/dispatch.ts";
import { BusCatchUp } from "@/lib/hub/catch_up.ts";
import { closeSessionLocal, readLocal, typingLocal } from "@/lib/hub/fanout.ts";
import { supportChanged } from "@/lib/hub/support_members.ts";
import { isUpdate, type MemberState, type RoomEvent } from "@/lib/store/types.ts";
import { applyModeration, MemberStates } from "@/lib/hub/moderation.ts";
import { updateLine } from "@/lib/hub/live_rooms.ts";
import { type FrameHandlers, frameHandlers, handleFrame } from "@/lib/hub/frames.ts";
import { SendPipeline } from "@/lib/hub/send.ts";
import { SendLimit } from "@/lib/hub/send_limit.ts";
import type { HubContext } from "@/lib/hub/context.ts";
import { log } from "@/lib/ops/log.ts";
import type { HubSocket } from "@/lib/web/transport/types.ts";

export { defaultCanJoin, type JoinPolicy };
export type { HubPlugin };

export interface HubOptions {
  store: Store;
  bus: Bus;
  config: Config;
  nodeId?: string;
  canJoin?: JoinPolicy;
  /** Support, program cards and later features (`lib/ops/boot.ts` hands them in). */
  plugins?: HubPlugin[];
  /** The frame handlers; default `frameHandlers`. */
  handlers?: FrameHandlers;
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
 * const hub = new Hub({ store, bus, config, plugins: [supportQueue(store)] });
 * hub.start();
 * hub.attach(socket, session);
 * await hub.shutdown();
 */
export class Hub implements ConnectionHost, HubContext {
  readonly nodeId: string;
  readonly store: Store;
  readonly bus: Bus;
  readonly config: Config;
  readonly canJoin: JoinPolicy;
  readonly plugins: Plugins;
  readonly rooms: LiveRooms;
  readonly sendLimit: SendLimit;
  readonly sender: SendPipeline;
  readonly memberStates: MemberStates;
  readonly counters = { messagesOut: 0, sendErrors: 0 };
  readonly #handlers: FrameHandlers;
  readonly #registry: Registry;
  readonly #presence: HubPresence;
  readonly #outbox: BusOutbox;
  readonly #catchUp: BusCatchUp;
  readonly storeMs: number;
  #unsubscribe?: () => void;
  #closed = false;

  constructor(options: HubOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.config = options.config;
    this.nodeId = options.nodeId ?? crypto.randomUUID().slice(0, 8);
    this.canJoin = options.canJoin ?? defaultCanJoin(this.store);
    this.#handlers = options.handlers ?? frameHandlers;
    this.rooms = new LiveRooms(this.store, { taskMs: options.roomTaskMs });
    this.storeMs = options.storeTimeoutMs ?? 15_000;
    this.sendLimit = new SendLimit({ burst: this.config.rateBurst, perSecond: this.config.ratePerSecond });
    this.sender = new SendPipeline(this, this.storeMs);
    this.memberStates = new MemberStates(this.store);
    this.#outbox = new BusOutbox(this.bus);
    this.#catchUp = new BusCatchUp(this.bus, this.store, this.rooms);
    const beatMs = options.beatMs ?? 2_000;
    this.#registry = new Registry(
      new SessionSockets({ node: this.nodeId, bus: this.bus, ttlMs: beatMs * 3, fullEveryMs: beatMs * 5 }),
    );
    this.#presence = new HubPresence({
      node: this.nodeId,
      bus: this.bus,
      store: this.store,
      beatMs,
      onChange: (room, raw) => {
        for (const conn of this.rooms.get(room)?.conns ?? []) conn.send(raw);
      },
    });
    this.plugins = new Plugins(options.plugins ?? [], this);
  }

  /** Subscribes to the bus and starts the presence beat. */
  start(): void {
    this.#unsubscribe = this.bus.subscribe(busDispatch({
      message: (message) => {
        this.sendLimit.charge(message);
        this.rooms.deliver(message);
      },
      line: (item) => {
        this.sendLimit.charge(item);
        this.rooms.deliver(item, item.line);
      },
      read: (room, user, seq) => readLocal(this.rooms, room, user, seq),
      moderation: (room, user, state) => applyModeration(this, room, user, state),
      typing: (room, user) => typingLocal(this.rooms, room, user),
      support: (conversation) => supportChanged(this.#registry, this.rooms, this.#presence, conversation),
      sessionEnded: (session) => closeSessionLocal(this.#registry, session),
      sockets: (event) => this.#registry.sockets.onBus(event),
      presence: (event) => this.#presence.onBus(event),
    }));
    this.#catchUp.start();
    this.#presence.start();
    this.#registry.sockets.start();
  }

  /** Stops accepting, closes every socket with 1012, says goodbye on the bus, stops timers. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const conns = [...this.#registry.all()];
    const closed = conns.map((c) =>
      new Promise<void>((resolve) => c.socket.addEventListener("close", () => resolve(), { once: true }))
    );
    for (const conn of conns) conn.close(CloseCode.restart, "Server restarting", { defer: false });
    this.#catchUp.stop();
    this.sender.stop();
    this.#presence.stop();
    this.#registry.sockets.stop();
    this.#unsubscribe?.();
    // Give close frames a moment to leave before the process exits; never wait on a dead peer.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(closed), new Promise((r) => timer = setTimeout(r, 500))]);
    clearTimeout(timer);
  }

  /** Takes over a freshly upgraded socket of a signed-in session. */
  attach(socket: HubSocket, session: Session): void {
    if (this.#closed) {
      socket.addEventListener("open", () => socket.close(CloseCode.restart, "Server restarting"));
      return;
    }
    const conn = new Connection(this, socket, session);
    this.#registry.add(conn);
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
    return this.#registry.total(sessionId);
  }

  /**
   * Call after every store write of a room change on this node: local readers in order, then the other
   * nodes. `line`: the frame readers get, serialized once (a message's `message` frame by default; a
   * change goes as its `update` frame at its own seq).
   */
  deliver(message: RoomEvent, line?: string): void {
    if (isUpdate(message)) {
      const item = this.#outbox.pushLine(updateLine(message, line));
      return this.rooms.deliver(item, item.line);
    }
    line ??= JSON.stringify({ type: "message", room: message.room, message });
    this.#outbox.push(message, line);
    this.rooms.deliver(message, line);
  }

  /** A room's owner muted, removed or restored `user`: every node applies it at once. */
  moderate(room: string, user: string, state: MemberState | null): void {
    this.bus.publish({ t: "moderation", room, user, state });
    applyModeration(this, room, user, state);
  }

  readReceipt(room: string, user: UserRef, seq: number): void {
    readLocal(this.rooms, room, user, seq, this.bus);
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
    supportChanged(this.#registry, this.rooms, this.#presence, conversation);
  }

  /** Closes a session's sockets on every node (logout). */
  endSession(sessionId: string): void {
    this.bus.publish({ t: "session-ended", session: sessionId });
    closeSessionLocal(this.#registry, sessionId);
  }

  stats(): HubStats {
    return {
      node: this.nodeId,
      connections: this.#registry.size,
      rooms: this.rooms.size,
      messagesIn: this.sender.counters.messagesIn,
      ...this.counters,
      gapsRefilled: this.rooms.gapsRefilled,
    };
  }

  // What connections and frame handlers call ---------------------------------------------------

  dispatch(conn: Connection, frame: ClientFrame): Promise<void> | void {
    return handleFrame(this.#handlers, this, conn, frame);
  }

  join(conn: Connection, roomId: string, since?: number): Promise<void> {
    return joinRoom(
      {
        store: this.store,
        rooms: this.rooms,
        presence: this.#presence,
        canJoin: this.canJoin,
        storeMs: this.storeMs,
        leave: (c, room) => this.leave(c, room),
        watchersOf: (room: Room) => this.plugins.watchersOf(room),
      },
      conn,
      roomId,
      since,
    );
  }

  leave(conn: Connection, roomId: string): void {
    if (!conn.rooms.delete(roomId)) return;
    const live = this.rooms.get(roomId);
    // A counselor's socket that was never among the members takes no member away.
    const unlisted = live?.unlisted?.delete(conn) ?? false;
    if (live) {
      live.conns.delete(conn);
      this.rooms.forgetIfIdle(live);
    }
    if (!unlisted) this.#presence.removeLocal(roomId, conn.user.id);
  }

  typing(conn: Connection, room: string): void {
    this.bus.publish({ t: "typing", room, user: conn.user });
    typingLocal(this.rooms, room, conn.user);
  }

  detach(conn: Connection): void {
    if (!this.#registry.remove(conn)) return;
    for (const room of [...conn.rooms.keys()]) this.leave(conn, room);
  }
}
