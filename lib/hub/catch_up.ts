/**
 * Catch-up after a bus outage: messages published while the bus was down never arrive, and with no
 * later message in the room no gap shows; so once the bus is back, every room with local readers is
 * brought up to the store's last seq.
 */
import type { Bus } from "@/lib/bus/types.ts";
import type { Store } from "@/lib/store/types.ts";
import type { LiveRooms } from "@/lib/hub/live_rooms.ts";
import { log } from "@/lib/ops/log.ts";

/**
 * @example
 * const catchUp = new BusCatchUp(bus, store, rooms);
 * catchUp.start(); // …
 * catchUp.stop();
 */
export class BusCatchUp {
  /** False from a bus outage until this node has caught up on what the bus dropped meanwhile. */
  #caughtUp = true;
  #timer?: ReturnType<typeof setInterval>;

  constructor(readonly bus: Bus, readonly store: Store, readonly rooms: LiveRooms) {}

  start(): void {
    // Often enough to see even a short outage (a Redis reconnect takes at least 100 ms); a boolean read.
    this.#timer = setInterval(() => this.watch(), 50);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  watch(): void {
    if (!this.bus.healthy()) {
      this.#caughtUp = false;
      return;
    }
    if (this.#caughtUp) return;
    this.#caughtUp = true;
    for (const live of this.rooms.values()) {
      if (live.last < 0) continue;
      this.rooms.run(live, async () => {
        const room = await this.store.getRoom(live.id);
        if (room && room.lastSeq > live.last) await this.rooms.refill(live, room.lastSeq);
      }).catch((err) => {
        this.#caughtUp = false; // the store is away too: try again on the next tick
        log.warn("hub.bus_catch_up_failed", { room: live.id, error: String(err) });
      });
    }
  }
}
