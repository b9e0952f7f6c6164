/**
 * The default bus: a `BroadcastChannel` shared by the isolates of one `deno serve --parallel`
 * process (or one Deno Deploy project). A channel never delivers to its own instance, which is
 * exactly "every other node". Deno drops messages when a receiver lags (queue of 256); the hub
 * copes by seq gaps and presence beats, see `types.ts`.
 */
import type { Bus, BusEvent, BusListener } from "@/lib/bus/types.ts";

/** A {@link Bus} that also counts events it could not send (after close, or not cloneable). */
export interface BroadcastBus extends Bus {
  readonly kind: "broadcast";
  readonly dropped: number;
}

/**
 * Opens the BroadcastChannel bus. Call `close()` on shutdown: an open channel can keep a
 * `deno serve --parallel` process from exiting on SIGTERM.
 *
 * @example
 * const bus = createBroadcastBus();
 * const off = bus.subscribe((event) => console.log(event.t));
 * bus.publish({ t: "sync", node: "a" });
 * off();
 * await bus.close();
 */
export function createBroadcastBus(channelName = "parley"): BroadcastBus {
  const channel = new BroadcastChannel(channelName);
  const listeners = new Set<BusListener>();
  let dropped = 0;
  let closed = false;

  channel.onmessage = (e: MessageEvent) => {
    const event = e.data as BusEvent;
    for (const listener of [...listeners]) {
      // One failing listener must not starve the others (the hub's socket fan-out among them).
      try {
        listener(event);
      } catch (err) {
        console.error(`[bus:broadcast] listener failed on "${event.t}": ${err}`);
      }
    }
  };
  // A message that cannot be deserialized is lost like a lagging one; nothing to tell the sender.
  channel.onmessageerror = () => {};

  return {
    kind: "broadcast",
    get dropped() {
      return dropped;
    },
    publish(event) {
      if (closed) {
        dropped++;
        return;
      }
      try {
        channel.postMessage(event);
      } catch {
        // Not structured-cloneable: a programming error, but the bus contract is "may drop".
        dropped++;
      }
    },
    subscribe(listener) {
      // Wrap so the same function subscribed twice is delivered twice and unsubscribed singly.
      const entry: BusListener = (event) => listener(event);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    healthy: () => true,
    close() {
      if (!closed) {
        closed = true;
        listeners.clear();
        channel.close();
      }
      return Promise.resolve();
    },
  };
}
