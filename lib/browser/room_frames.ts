/**
 * A server frame routed to the room it is for: catch-up on `joined` (then the room's outbox goes out
 * again), live messages and updates past the room's last seq, acks that settle the outbox, and errors
 * that either refuse a send or ask for the room to be joined again.
 */
import type { ServerFrame } from "@/lib/shared/protocol.ts";
import type { Outbox } from "@/lib/browser/outbox.ts";
import type { RoomHandlers } from "@/lib/browser/types.ts";

export interface RoomState {
  handlers: RoomHandlers;
  lastSeq: number;
  joinedOnce: boolean;
  /** Joined on the current socket: sends go out at once; before, they wait for `joined`. */
  joined: boolean;
  lastTyping: number;
}

/** Answers to a send that are worth another try once the room is joined again. */
export const RETRIED_CODES: ReadonlySet<string> = new Set(["unavailable", "not_joined"]);

/** The connection's parts the dispatcher reads and drives. */
export interface FrameHost {
  rooms: Map<string, RoomState>;
  outbox: Outbox;
  /** Sends a frame if the socket is open. */
  raw(frame: object): void;
  /** Joins the room again in a moment. */
  retryRoom(room: string): void;
}

/**
 * Hands `frame` to its room's handlers.
 *
 * @example
 * dispatchFrame({ rooms, outbox, raw, retryRoom }, JSON.parse(line));
 */
export function dispatchFrame(host: FrameHost, frame: ServerFrame): void {
  switch (frame.type) {
    case "joined": {
      const state = host.rooms.get(frame.room);
      if (!state) return;
      const rejoin = state.joinedOnce;
      const fresh = frame.messages.filter((m) => !rejoin || m.seq > state.lastSeq);
      state.lastSeq = Math.max(rejoin ? state.lastSeq : 0, frame.seq ?? 0, ...fresh.map((m) => m.seq));
      state.joinedOnce = true;
      state.joined = true;
      state.handlers.joined?.({ ...frame, messages: fresh }, rejoin);
      // Sends are retried only once the room is joined again: the server refuses them before.
      for (const f of host.outbox.inRoom(frame.room)) host.raw(f);
      return;
    }
    case "message": {
      const state = host.rooms.get(frame.room);
      if (!state || frame.message.seq <= state.lastSeq) return;
      state.lastSeq = frame.message.seq;
      state.handlers.message?.(frame.message);
      return;
    }
    case "update": {
      const state = host.rooms.get(frame.room);
      if (!state || frame.seq <= state.lastSeq) return;
      state.lastSeq = frame.seq;
      state.handlers.update?.(frame.message, frame.seq);
      return;
    }
    case "read":
      host.rooms.get(frame.room)?.handlers.read?.(frame.user, frame.seq);
      return;
    case "ack": {
      const sent = host.outbox.settle(frame.clientId);
      if (!sent) return;
      host.rooms.get(sent.room)?.handlers.ack?.(frame.clientId, frame.id, frame.seq);
      return;
    }
    case "presence":
      host.rooms.get(frame.room)?.handlers.presence?.({ count: frame.count, members: frame.members });
      return;
    case "typing":
      host.rooms.get(frame.room)?.handlers.typing?.(frame.user);
      return;
    case "error": {
      const sent = frame.clientId ? host.outbox.get(frame.clientId) : undefined;
      const retried = RETRIED_CODES.has(frame.code);
      // A refused send is not retried; the store being away, or a room the server no longer has
      // this socket in, is worth another try once the room is joined again.
      if (sent && !retried) host.outbox.settle(frame.clientId!);
      const room = sent?.room ?? frame.room;
      const state = room ? host.rooms.get(room) : undefined;
      const targets = room ? [state] : [...host.rooms.values()];
      for (const t of targets) t?.handlers.error?.(frame.code, frame.message, frame.clientId);
      if (room && retried) {
        if (state) state.joined = false;
        host.retryRoom(room);
      } else if (room && !frame.clientId && (frame.code === "forbidden" || frame.code === "not_found")) {
        // The join itself was refused: what waits to be sent there never will be.
        for (const f of host.outbox.inRoom(room)) {
          host.outbox.settle(f.clientId);
          state?.handlers.error?.(frame.code, frame.message, f.clientId);
        }
      }
      return;
    }
  }
}
