/**
 * The default bus: a `BroadcastChannel` shared by the isolates of one `deno serve --parallel`
 * process (or one Deno Deploy project). A channel never delivers to its own instance, which is
 * exactly "every other node". Deno drops messages when a receiver lags (queue of 256); the hub
 * copes by seq gaps and presence beats, see `types.ts`.
 */
import type { BusEvent } from "@/lib/bus/types.ts";
import { type InProcessBus, inProcessBus } from "@/lib/bus/in_process.ts";

/** A {@link Bus} that also counts events it could not send (after close, or not cloneable). */
export type BroadcastBus = InProcessBus<"broadcast">;

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
  const { bus, deliver } = inProcessBus("broadcast", (e) => channel.postMessage(e), () => channel.close());
  channel.onmessage = (e: MessageEvent) => deliver(e.data as BusEvent);
  // A message that cannot be deserialized is lost like a lagging one; nothing to tell the sender.
  channel.onmessageerror = () => {};
  return bus;
}
