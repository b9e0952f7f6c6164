/**
 * One worker's HTTP server: `node:http` with `reusePort` on the shared port (the kernel spreads
 * connections over the workers, as it does over `deno serve --parallel`'s isolates), requests handed
 * to the Hono app by `@hono/node-server`, `/ws` upgrades by the ws transport.
 */
import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { Config } from "@/lib/ops/config.ts";
import { handleUpgrades } from "@/lib/web/transport/ws_server.ts";
import type { WsEnv } from "@/lib/web/transport/types.ts";
import type { AppEnv } from "@/lib/web/app_env.ts";

export interface NodeServer {
  server: Server;
  /** The port bound (the configured one, or the kernel's pick for 0). */
  port: number;
  /** Stops accepting, then ends every connection still open (sockets were closed by the hub first). */
  close(): Promise<void>;
}

/**
 * @example
 * const { port } = await listenNode(createApp(services), config, { host: "0.0.0.0", port: 8000 });
 */
export async function listenNode(
  app: Hono<AppEnv>,
  config: Config,
  { host, port }: { host: string; port: number },
): Promise<NodeServer> {
  // Deno's own Request and Response, not node-server's lighter look-alikes: the app and its
  // middleware are written against the platform's.
  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  const server = createServer(listener);
  const stopUpgrades = handleUpgrades(
    server,
    (request, env: WsEnv) => app.fetch(request, env),
    { maxPayload: config.maxFrameBytes, idleTimeout: config.wsIdleTimeout },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, reusePort: true }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    server,
    port: typeof address === "object" && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        stopUpgrades();
        server.close(() => resolve());
        server.closeAllConnections();
        // An upgraded socket whose peer never answered the close still counts as a connection.
        Deno.unrefTimer(setTimeout(resolve, 1_000));
      }),
  };
}
