/**
 * A room owner's moderation as the hub applies it: removed members cannot join (and are put out of
 * the room on every node at once), muted ones cannot post, edit or react. States are read from the
 * store and kept per (room, user), read again every few seconds behind the send that finds it old, so
 * a send costs no store read; the node that takes the owner's decision drops its copy at once, and
 * the others by the bus event.
 */
import type { MemberState, Store } from "@/lib/store/types.ts";
import type { Connection } from "@/lib/hub/connection.ts";
import type { LiveRooms } from "@/lib/hub/live_rooms.ts";

/** How long a node trusts a state it read (another node's decision may take this long to bite). */
export const STATE_TTL_MS = 5_000;

/**
 * @example
 * const states = new MemberStates(store);
 * if (await states.get(room, user) === "muted") refuse();
 */
export class MemberStates {
  readonly #cache = new Map<string, { state: MemberState | null; until: number }>();
  readonly #refreshing = new Set<string>();

  constructor(readonly store: Store, readonly now: () => number = Date.now) {}

  /**
   * The cached state, or undefined when it was never read (no await on the send path's usual case).
   * A state past its time is still answered, and read again behind it: an owner's decision reaches
   * every node at once by the bus, so the time only bounds how long a lost bus event goes unseen,
   * and a sender should not wait for a store read every few seconds (a tenth of the messages of a
   * room with two a second did, and showed in the latency's p99).
   */
  peek(room: string, userId: string): MemberState | null | undefined {
    const key = `${room}\u0000${userId}`;
    const hit = this.#cache.get(key);
    if (hit && hit.until <= this.now() && !this.#refreshing.has(key)) {
      this.#refreshing.add(key);
      this.#read(key, room, userId).catch(() => {}).finally(() => this.#refreshing.delete(key));
    }
    return hit?.state;
  }

  async get(room: string, userId: string): Promise<MemberState | null> {
    const key = `${room}\u0000${userId}`;
    const hit = this.#cache.get(key);
    if (hit && hit.until > this.now()) return hit.state;
    return await this.#read(key, room, userId);
  }

  async #read(key: string, room: string, userId: string): Promise<MemberState | null> {
    const state = await this.store.getMemberState(room, userId);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(key, { state, until: this.now() + STATE_TTL_MS });
    return state;
  }

  /** The owner decided: this node's copy goes (it is read again on next use). */
  forget(room: string, userId: string): void {
    this.#cache.delete(`${room}\u0000${userId}`);
  }
}

/**
 * This node's part of an owner's decision: its cached state goes, and a removed member's sockets
 * leave the room, told why.
 *
 * @example
 * applyModeration(hub, room, userId, "removed");
 */
export function applyModeration(
  hub: { memberStates: MemberStates; rooms: LiveRooms; leave(conn: Connection, room: string): void },
  room: string,
  user: string,
  state: MemberState | null,
): void {
  hub.memberStates.forget(room, user);
  if (state !== "removed") return;
  for (const conn of [...(hub.rooms.get(room)?.conns ?? [])]) {
    if (conn.user.id !== user) continue;
    hub.leave(conn, room);
    conn.error("forbidden", "messages.error.removed", { room });
  }
}
