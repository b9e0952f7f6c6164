/**
 * The hub's table of client frames: one handler per frame type, each in the file of its job. A new
 * frame type (`edit`, `delete`, `react`, `read`) is a handler in its own file and one line below.
 * `Connection` has already checked the frame's size and shape, and waited for a join of its room
 * still in progress, so handlers see frames of a room in the order the client sent them.
 */
import type { ClientFrame, ClientFrameType } from "@/lib/shared/protocol.ts";
import type { Connection } from "@/lib/hub/connection.ts";
import type { HubContext } from "@/lib/hub/context.ts";
import { sendFrame } from "@/lib/hub/send.ts";
import { changeFrame, readFrame } from "@/lib/hub/changes.ts";

export type FrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;
export type FrameHandler<T extends ClientFrameType> = (
  hub: HubContext,
  conn: Connection,
  frame: FrameOf<T>,
) => Promise<void> | void;
/** Frame types without a handler are answered `bad_frame`. */
export type FrameHandlers = { [T in ClientFrameType]?: FrameHandler<T> };

/** Typing notices from one socket for one room are passed on at most this often. */
const TYPING_INTERVAL_MS = 1_000;

/** The frames every hub handles. */
export const frameHandlers: FrameHandlers = {
  ping: (_hub, conn) => void conn.frame({ type: "pong" }),
  join: (hub, conn, f) => hub.join(conn, f.room, f.since),
  leave: (hub, conn, f) => hub.leave(conn, f.room),
  typing: (hub, conn, f) => {
    if (!conn.rooms.has(f.room)) return conn.error("not_joined", "Join the room first", { room: f.room });
    if (!conn.throttle(`typing:${f.room}`, TYPING_INTERVAL_MS)) return;
    hub.typing(conn, f.room);
  },
  send: sendFrame,
  edit: changeFrame,
  delete: changeFrame,
  react: changeFrame,
  read: readFrame,
};

/**
 * Runs the handler of `frame`'s type.
 *
 * @example
 * await handleFrame(frameHandlers, hub, conn, { type: "ping" });
 */
export function handleFrame(
  handlers: FrameHandlers,
  hub: HubContext,
  conn: Connection,
  frame: ClientFrame,
): Promise<void> | void {
  const handler = handlers[frame.type] as FrameHandler<typeof frame.type> | undefined;
  if (!handler) return conn.error("bad_frame", `Frames of type ${frame.type} are not handled here`);
  return handler(hub, conn, frame);
}
