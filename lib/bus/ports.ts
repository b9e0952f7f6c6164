/**
 * The bus between the workers of one `lib/ops/server.ts` process: a MessagePort to every other
 * worker, made by the main thread (`portMesh`). A plain script measured a MessagePort event between
 * two Workers at about a third of the CPU of the same event on a BroadcastChannel (docs/send-path.md),
 * and a port queues what a busy receiver has not read yet instead of dropping it. Redis, when set,
 * still carries everything (other processes are on it too).
 */
import { type InProcessBus, inProcessBus } from "@/lib/bus/in_process.ts";

/** A {@link Bus} over ports, counting what it could not send (after close, or not cloneable). */
export type PortsBus = InProcessBus<"ports">;

/**
 * One node's bus: `peers` holds one port to each other node. An event goes to every peer once and
 * never back to its publisher.
 *
 * @example
 * const { port1, port2 } = new MessageChannel();
 * const a = createPortsBus([port1]), b = createPortsBus([port2]);
 * b.subscribe((event) => console.log(event.t));
 * a.publish({ t: "sync", node: "a" });
 */
export function createPortsBus(peers: MessagePort[]): PortsBus {
  const { bus, deliver } = inProcessBus(
    "ports",
    (event) => {
      for (const port of peers) port.postMessage(event);
    },
    () => {
      for (const port of peers) port.close();
    },
  );
  for (const port of peers) port.onmessage = (e: MessageEvent) => deliver(e.data);
  return bus;
}

/**
 * Ports for `n` nodes, every pair joined by one MessageChannel: `mesh[i]` is node i's ports to the
 * others (give them to that node's {@link createPortsBus}).
 *
 * @example
 * const mesh = portMesh(workers.length);
 * workers.forEach((w, i) => w.postMessage({ t: "init", peers: mesh[i] }, mesh[i]));
 */
export function portMesh(n: number): MessagePort[][] {
  const mesh: MessagePort[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const { port1, port2 } = new MessageChannel();
      mesh[i].push(port1);
      mesh[j].push(port2);
    }
  }
  return mesh;
}
