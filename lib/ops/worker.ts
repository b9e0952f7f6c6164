/**
 * One worker of `lib/ops/server.ts` (a Deno Worker: its own isolate, like one of `deno serve --parallel`'s):
 * opens the services, listens when told which port, and on "stop" closes its sockets (1012) and
 * services, then says so. Messages: in {@link ToWorker}, out {@link FromWorker}.
 */
/// <reference lib="deno.worker" />
import { loadConfig } from "@/lib/ops/config.ts";
import { closeServices, openServices } from "@/lib/ops/boot.ts";
import { createApp } from "@/lib/web/app.ts";
import { listenNode, type NodeServer } from "@/lib/web/transport/node_server.ts";

export type ToWorker =
  /**
   * First, before anything opens: the port to the KV file's one writer, when the main thread holds
   * it, and the bus's ports to the other workers (none with Redis, which carries the bus then).
   */
  | { t: "init"; appends?: MessagePort; peers?: MessagePort[] }
  | { t: "listen"; host: string; port: number }
  | { t: "stop" };
export type FromWorker =
  | { t: "ready" }
  | { t: "listening"; port: number }
  | { t: "fatal"; message: string }
  | { t: "stopped" };

const post = (message: FromWorker) => self.postMessage(message);
const fail = (err: unknown) =>
  post({ t: "fatal", message: err instanceof Error ? err.message : String(err) });

let node: NodeServer | undefined;
let stopping: Promise<void> | undefined;

const init = await new Promise<ToWorker>((resolve) => self.onmessage = (event) => resolve(event.data));
const { appends, peers } = init.t === "init" ? init : {};
const services = await Promise.resolve()
  .then(() => openServices(loadConfig(), { kvAppends: appends, busPeers: peers }))
  .catch(fail);
if (services) {
  const app = createApp(services);
  self.onmessage = (event: MessageEvent<ToWorker>) => {
    const message = event.data;
    if (message.t === "listen") {
      listenNode(app, services.config, message).then((n) => {
        node = n;
        post({ t: "listening", port: n.port });
      }, fail);
    } else if (message.t === "stop") {
      stopping ??= (async () => {
        // Sockets first (1012, so clients reconnect elsewhere), while the server still holds them.
        await closeServices(services).catch((err) => console.error(`parley: shutdown failed: ${err}`));
        await node?.close();
      })().finally(() => post({ t: "stopped" }));
    }
  };
  post({ t: "ready" });
}
