/**
 * What the two in-process buses share (`broadcast.ts`, `ports.ts`): listeners, the dropped count,
 * publish after close, and an event that cannot be cloned. Each gives its way to post and to close.
 */
import type { Bus, BusEvent, BusListener } from "@/lib/bus/types.ts";

/** A bus of one process, counting what it could not send (after close, or not cloneable). */
export interface InProcessBus<K extends Bus["kind"]> extends Bus {
  readonly kind: K;
  readonly dropped: number;
}

/**
 * A bus over `post`; call `deliver` with every event that arrives from another node.
 *
 * @example
 * const channel = new BroadcastChannel("parley");
 * const { bus, deliver } = inProcessBus("broadcast", (e) => channel.postMessage(e), () => channel.close());
 * channel.onmessage = (e) => deliver(e.data);
 */
export function inProcessBus<K extends Bus["kind"]>(
  kind: K,
  post: (event: BusEvent) => void,
  closeTransport: () => void,
): { bus: InProcessBus<K>; deliver(event: BusEvent): void } {
  const listeners = new Set<BusListener>();
  let dropped = 0;
  let closed = false;
  const deliver = (event: BusEvent) => {
    for (const listener of [...listeners]) {
      // One failing listener must not starve the others (the hub's socket fan-out among them).
      try {
        listener(event);
      } catch (err) {
        console.error(`[bus:${kind}] listener failed on "${event?.t}": ${err}`);
      }
    }
  };
  const bus: InProcessBus<K> = {
    kind,
    get dropped() {
      return dropped;
    },
    publish(event) {
      if (closed) {
        dropped++;
        return;
      }
      try {
        post(event);
      } catch {
        // Not structured-cloneable: a programming error, but the bus contract is "may drop".
        dropped++;
      }
    },
    subscribe(listener) {
      // Wrapped so the same function subscribed twice is delivered twice and unsubscribed singly.
      const entry: BusListener = (event) => listener(event);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    healthy: () => true,
    close() {
      if (!closed) {
        closed = true;
        listeners.clear();
        closeTransport();
      }
      return Promise.resolve();
    },
  };
  return { bus, deliver };
}
