/**
 * The hub's side of the bus: what this node stored goes out once per event-loop turn, and every
 * event from the other nodes is routed to the part of the hub that handles it.
 */
import type { Bus, BusEvent, BusLine } from "@/lib/bus/types.ts";
import type { Message, SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
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
  #outgoing: BusLine[] = [];

  constructor(readonly bus: Bus) {}

  /** A change's frame line (`{type:"update"}`), in the same order as the messages around it. */
  pushLine(item: BusLine): BusLine {
    if (this.#outgoing.push(item) === 1) setImmediate(() => this.#publish());
    return item;
  }

  /** `line`: the message's frame line, serialized once for every reader of every node. */
  push(message: Message, line: string): void {
    const item: BusLine = {
      room: message.room,
      seq: message.seq,
      author: message.author.id,
      kind: message.kind,
      at: message.at,
      line,
    };
    if (message.private) item.private = true;
    if (this.#outgoing.push(item) === 1) setImmediate(() => this.#publish());
  }

  #publish(): void {
    const lines = this.#outgoing;
    this.#outgoing = [];
    // Strings, not message objects: the structured clone of a string is a copy, of an object a walk.
    this.bus.publish({ t: "lines", lines });
  }
}

/** Where each bus event goes. */
export interface BusRoutes {
  /** A message another node stored. */
  message(message: Message): void;
  /** A message another node stored, as its frame line. */
  line(line: BusLine): void;
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
      case "lines":
        for (const line of event.lines) r.line(line);
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
