/**
 * Test doubles for the hub's unit tests: a socket that records what it was sent, and two hubs
 * ("nodes") sharing one in-memory store over a real BroadcastChannel bus.
 */
import { Hub, type HubOptions } from "@/lib/hub/hub.ts";
import { loadConfig } from "@/lib/ops/config.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { createBroadcastBus } from "@/lib/bus/broadcast.ts";
import type { Bus, BusEvent } from "@/lib/bus/types.ts";
import type { Session, Store } from "@/lib/store/types.ts";
import type { Role } from "@/lib/shared/protocol.ts";
import { waitFor } from "@/tests/support/wait.ts";

// deno-lint-ignore no-explicit-any -- frames are checked field by field in tests
export type Frame = Record<string, any>;

/** A WebSocket stand-in: open at once, records sent frames, closes with a close event. */
export class FakeSocket extends EventTarget {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  closedWith?: { code: number; reason: string };
  readonly frames: Frame[] = [];
  #waiters: (() => void)[] = [];

  send(raw: string) {
    for (const line of raw.split("\n")) this.frames.push(JSON.parse(line));
    this.#waiters.splice(0).forEach((w) => w());
  }

  close(code = 1000, reason = "") {
    if (this.readyState === WebSocket.CLOSED) return;
    this.closedWith = { code, reason };
    this.readyState = WebSocket.CLOSED;
    queueMicrotask(() => this.dispatchEvent(new CloseEvent("close", { code, reason })));
    this.#waiters.splice(0).forEach((w) => w());
  }

  /** The client sends a frame. */
  client(frame: unknown) {
    this.dispatchEvent(
      new MessageEvent("message", { data: typeof frame === "string" ? frame : JSON.stringify(frame) }),
    );
  }

  /** Waits for a received frame matching `match` (searching from the start), or throws. */
  async next(match: (f: Frame) => boolean, timeoutMs = 2_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.closedWith) throw new Error(`socket closed ${this.closedWith.code} waiting for a frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.frames.slice(-5))}`);
      let timer: ReturnType<typeof setTimeout>;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
        this.#waiters.push(resolve);
      });
      clearTimeout(timer!);
    }
  }

  /** Waits until the hub closed this socket, or throws after `timeoutMs`. */
  async closed(timeoutMs = 2_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedWith) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`still open; got ${JSON.stringify(this.frames.slice(-5))}`);
      let timer: ReturnType<typeof setTimeout>;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
        this.#waiters.push(resolve);
      });
      clearTimeout(timer!);
    }
    return this.closedWith;
  }

  messages(room: string): Frame[] {
    return this.frames.filter((f) => f.type === "message" && f.room === room).map((f) => f.message);
  }
}

/** Joins `room` on `socket` and waits for its `joined` frame. */
export async function joined(socket: FakeSocket, room: string, since?: number): Promise<Frame> {
  socket.client({ type: "join", room, since });
  return await socket.next((f) => f.type === "joined" && f.room === room);
}

let sessions = 0;
export function randomSession(role: Role = "guest"): Session {
  const n = ++sessions;
  return {
    id: `s${n}-${crypto.randomUUID()}`,
    userId: `u${n}`,
    name: `user${n}`,
    role,
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

/** Wraps a bus so a test can drop chosen incoming events. */
export function lossyBus(bus: Bus, drop: (event: BusEvent) => boolean): Bus {
  return {
    ...bus,
    kind: bus.kind,
    publish: (e) => bus.publish(e),
    // A batch of messages is judged message by message, as if each had come on its own.
    subscribe: (listener) =>
      bus.subscribe((e) => {
        if (e.t !== "messages" && e.t !== "lines") return drop(e) ? undefined : listener(e);
        const messages = e.t === "messages" ? e.messages : e.lines.map((l) => JSON.parse(l.line).message);
        for (const message of messages) {
          if (!drop({ t: "message", message })) listener({ t: "message", message });
        }
      }),
    healthy: () => bus.healthy(),
    close: () => bus.close(),
  };
}

export interface Cluster {
  store: Store;
  a: Hub;
  b: Hub;
  connect(hub: Hub, session?: Session): FakeSocket;
  close(): Promise<void>;
}

/** Two nodes on one store and one BroadcastChannel name; `options` tune both hubs. */
export async function cluster(
  options: Partial<HubOptions> & { env?: Record<string, string>; dropOnB?: (e: BusEvent) => boolean } = {},
): Promise<Cluster> {
  const store = options.store ?? await openKvStore(":memory:");
  const config = loadConfig(options.env ?? {});
  const channel = `hub-test-${crypto.randomUUID()}`;
  const busA = createBroadcastBus(channel);
  const rawB = createBroadcastBus(channel);
  const busB = options.dropOnB ? lossyBus(rawB, options.dropOnB) : rawB;
  const a = new Hub({ beatMs: 100, ...options, store, bus: busA, config, nodeId: "A" });
  const b = new Hub({ beatMs: 100, ...options, store, bus: busB, config, nodeId: "B" });
  a.start();
  b.start();
  return {
    store,
    a,
    b,
    connect(hub, session = randomSession()) {
      const socket = new FakeSocket();
      hub.attach(socket as unknown as WebSocket, session);
      return socket;
    },
    async close() {
      await a.shutdown();
      await b.shutdown();
      await busA.close();
      await rawB.close();
      await store.close();
    },
  };
}

/**
 * Waits until `holds()` is true (state kept by the hub, such as counts heard from other nodes, has no
 * event of its own), or throws after `timeoutMs`.
 */
export function until(holds: () => boolean, timeoutMs = 2_000): Promise<true> {
  return waitFor(() => holds(), "a condition on the hub", { timeoutMs, everyMs: 1 });
}

/**
 * Sends one more message into `room` from a new socket on `hub` (its own session, so no one's rate is
 * spent) and waits until every reader has it: the bus and each room keep seq order, so whatever was
 * delivered before it has been delivered by then. Returns the fence's seq.
 */
export async function fence(c: Cluster, hub: Hub, room: string, readers: FakeSocket[]): Promise<number> {
  const writer = c.connect(hub);
  writer.client({ type: "join", room });
  await writer.next((f) => f.type === "joined" && f.room === room);
  const clientId = `fence-${crypto.randomUUID()}`;
  writer.client({ type: "send", room, clientId, text: "fence" });
  const ack = await writer.next((f) => f.type === "ack" && f.clientId === clientId);
  for (const r of readers) await r.next((f) => f.type === "message" && f.message.seq === ack.seq);
  writer.close();
  return ack.seq;
}
