/**
 * The shapes `ChatConnection` works with: the socket it drives (a fake in tests), its options, and
 * the per-room callbacks a chat pane gives it. Types only.
 */
import type { ErrorCode, Message, Presence, UserRef } from "@/lib/shared/protocol.ts";
import type { Clock } from "@/lib/browser/status.ts";

/** The few WebSocket members the connection uses, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export interface ChatConnectionOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  clock?: Clock;
  random?: () => number;
  /** How often to ping an open socket (ms); a socket silent for 2.5× this is treated as dead. */
  pingEvery?: number;
}

export interface RoomHandlers {
  /** The join answer; `rejoin` when it follows a reconnect (its messages are only the missed ones). */
  joined?(
    frame: {
      seq: number;
      messages: Message[];
      presence: Presence;
      hasMore: boolean;
      reads?: Record<string, number>;
    },
    rejoin: boolean,
  ): void;
  message?(message: Message): void;
  /** A message changed (edited, deleted, reacted to): `message` is how it is now; `seq` the change's. */
  update?(message: Message, seq: number): void;
  /** How far a member has read the room. */
  read?(user: UserRef, seq: number): void;
  presence?(presence: Presence): void;
  typing?(user: UserRef): void;
  ack?(clientId: string, id: string, seq: number): void;
  error?(code: ErrorCode, message: string, clientId?: string): void;
}
