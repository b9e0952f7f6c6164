/** What a frame handler (`frames.ts`) may use of its hub. */
import type { Config } from "@/lib/ops/config.ts";
import type { Store } from "@/lib/store/types.ts";
import type { UserRef } from "@/lib/shared/protocol.ts";
import type { RoomEvent } from "@/lib/store/types.ts";
import type { MemberStates } from "@/lib/hub/moderation.ts";
import type { Connection } from "@/lib/hub/connection.ts";
import type { LiveRooms } from "@/lib/hub/live_rooms.ts";
import type { Plugins } from "@/lib/hub/plugins.ts";
import type { SendLimit } from "@/lib/hub/send_limit.ts";
import type { SendPipeline } from "@/lib/hub/send.ts";

export interface HubContext {
  readonly nodeId: string;
  readonly config: Config;
  readonly store: Store;
  readonly rooms: LiveRooms;
  readonly plugins: Plugins;
  /** The per-user send budget shared by every node. */
  readonly sendLimit: SendLimit;
  /** Stores a socket's message, delivers it, acks it. */
  readonly sender: SendPipeline;
  /** Call after every store write of a room change on this node: local readers, then the other nodes. */
  /** `line`: the frame readers get, when the caller has it (a message's default is its `message` frame). */
  deliver(message: RoomEvent, line?: string): void;
  /** Tells the room's sockets on every node how far `user` has read. */
  readReceipt(room: string, user: UserRef, seq: number): void;
  /** Room owners' decisions on members (muted, removed), cached per node. */
  readonly memberStates: MemberStates;
  /** The longest one store call may take before the socket is told `unavailable`. */
  readonly storeMs: number;
  join(conn: Connection, room: string, since?: number): Promise<void>;
  leave(conn: Connection, room: string): void;
  typing(conn: Connection, room: string): void;
}
