/**
 * The hub's side of the bus: what this node stored goes out once per event-loop turn, and every
 * event from the other nodes is routed to the part of the hub that handles it.
 */
import type { Bus, BusEvent } from "@/lib/bus/types.ts";
import type { SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import type { RoomEvent } from "@/lib/store/types.ts";
import { setImmediate } from "node:timers";

/**
 * Stored messages leave for the other nodes in one event per turn of the event loop: one event per
 * message made BroadcastChannel drop events under load (a lagging receiver's queue holds 256), and a
 * dropped one waited for the room's next message. `setImmediate`, not `setTimeout(0)`: Deno's timers
 * run on a 1 ms wheel, which the other isolate's readers would wait for.
 *
 * @example
 * const out = new BusOutbox(bus);
 * out.push(message);
 */
export class BusOutbox {
  #outgoing: RoomEvent[] = [];

  constructor(readonly bus: Bus) {}

  push(message: RoomEvent): void {
    if (this.#outgoing.push(message) === 1) setImmediate(() => this.#publish());
  }

  #publish(): void {
    const messages = this.#outgoing;
    this.#outgoing = [];
    this.bus.publish(
      messages.length === 1 ? { t: "message", message: messages[0] } : { t: "messages", messages },
    );
  }
}

/** Where each bus event goes. */
export interface BusRoutes {
  /** A message another node stored. */
  message(message: RoomEvent): void;
  /** A member's read mark moved (read receipts). */
  read(room: string, user: UserRef, seq: number): void;
  /** A room's owner changed a member's state. */
  moderation(room: string, user: string, state: "muted" | "removed" | null): void;
  typing(room: string, user: UserRef): void;
  support(conversation: SupportSummary): void;
  sessionEnded(session: string): void;
  /** Socket counts per session. */
  sockets(event: BusEvent): void;
  /** Presence beats, announcements, syncs and goodbyes. */
  presence(event: BusEvent): void;
}

/**
 * The bus listener of one hub.
 *
 * @example
 * bus.subscribe(busDispatch({ message: (m) => rooms.deliver(m), ... }));
 */
export function busDispatch(r: BusRoutes): (event: BusEvent) => void {
  return (event) => {
    switch (event.t) {
      case "message":
        return r.message(event.message);
      case "messages":
        for (const message of event.messages) r.message(message);
        return;
      case "typing":
        return r.typing(event.room, event.user);
      case "read":
        return r.read(event.room, event.user, event.seq);
      case "moderation":
        return r.moderation(event.room, event.user, event.state);
      case "support":
        return r.support(event.conversation);
      case "session-ended":
        return r.sessionEnded(event.session);
      case "sockets":
        return r.sockets(event);
      default:
        // A presence goodbye also ends that node's socket counts.
        r.sockets(event);
        return r.presence(event);
    }
  };
}
