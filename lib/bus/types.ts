/**
 * The bus carries events between the hubs of every isolate and process of one deployment.
 * Three implementations: BroadcastChannel (`broadcast.ts`, the default: the isolates of one
 * `deno serve --parallel` process or one Deno Deploy project), MessagePorts between the workers of
 * one `lib/ops/server.ts` process (`ports.ts`) and Redis pub/sub (`redis.ts`). All are held to the
 * contract suite in `contract.ts`.
 *
 * Delivery is at most once and may drop events (BroadcastChannel drops when a receiver lags),
 * so the hub never relies on the bus for correctness: messages carry `seq` and gaps are refilled
 * from the store; presence is re-announced periodically and expires without heartbeats.
 */
import type { Message, MessageKind, PresenceMember, SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import type { NodeMetrics } from "@/lib/ops/metrics.ts";

/**
 * A stored message as the frame line every reader gets (`{"type":"message",…}`), serialized once on the
 * node that stored it, with the few fields a receiving node routes by. A change to a message (edit,
 * delete, reaction) travels the same way as its `{"type":"update",…}` line, with kind "system".
 */
export interface BusLine {
  room: string;
  seq: number;
  author: string;
  kind: MessageKind;
  /** When the store accepted it (bus lag). */
  at: string;
  line: string;
  /** A counselors-only note: every node hands it to counselors alone. */
  private?: true;
}

export type BusEvent =
  | { t: "message"; message: Message }
  /** Several stored messages at once: a busy node sends what it stored in one tick as one event. */
  | { t: "messages"; messages: Message[] }
  /** What the hub publishes: the messages one node stored in one tick, already serialized. */
  | { t: "lines"; lines: BusLine[] }
  /** A room's owner muted, removed or restored a member: nodes drop their copy, removed ones leave. */
  | { t: "moderation"; room: string; user: string; state: "muted" | "removed" | null }
  /** A member read a room up to `seq` (read receipts; not in the room's order). */
  | { t: "read"; room: string; user: UserRef; seq: number }
  | { t: "typing"; room: string; user: UserRef }
  /** A node's full local presence for one room; replaces what that node said before. */
  | { t: "presence"; node: string; room: string; members: PresenceMember[] }
  /** A node's liveness beat; a node silent for longer than the TTL is dropped from presence. */
  | { t: "beat"; node: string; rooms: string[] }
  /** A new node asks the others to announce their presence now. */
  | { t: "sync"; node: string }
  /** A node is going away cleanly. */
  | { t: "bye"; node: string }
  | { t: "support"; conversation: SupportSummary }
  /**
   * A node's socket counts per session (keys are hashes of session ids); `full` replaces all the
   * node said before, otherwise only the sessions named change (0 removes one).
   */
  | { t: "sockets"; node: string; counts: Record<string, number>; full?: boolean }
  /** A scrape of `/metrics` asks every node of one process (`process`) for its figures. */
  | { t: "metrics-ask"; id: string; process: string }
  | { t: "metrics-reply"; id: string; process: string; metrics: NodeMetrics }
  /** A program was added, edited or ended: open consoles refresh their program search. */
  | { t: "catalog"; id: string }
  /** A session ended (logout): every node closes its sockets. */
  | { t: "session-ended"; session: string }
  /**
   * A node's WebSockets per client address (hashed), for the other isolates of its `process`
   * (`lib/hub/address_sockets.ts`); `full` replaces what the node said before, `ask` asks for tables.
   */
  | {
    t: "address-sockets";
    node: string;
    process: string;
    counts: Record<string, number>;
    full?: boolean;
    ask?: boolean;
  }
  /** The counselors with a console tab open on one node (the whole list; replaces the last). */
  | { t: "counselors"; node: string; counselors: ConsoleCounselor[] }
  /** A counselor set themselves away (or back). */
  | { t: "counselor-away"; id: string; away: boolean };

/** A counselor with at least one console tab open on a node. */
export interface ConsoleCounselor {
  id: string;
  name: string;
  away: boolean;
}

export type BusListener = (event: BusEvent) => void;

export interface Bus {
  readonly kind: "broadcast" | "ports" | "redis";
  /** Sends to every other node of the deployment; never back to this node's own listeners. */
  publish(event: BusEvent): void;
  /** Returns a function that unsubscribes. */
  subscribe(listener: BusListener): () => void;
  /** False while the bus is disconnected (Redis down); BroadcastChannel is always up. */
  healthy(): boolean;
  close(): Promise<void>;
}
