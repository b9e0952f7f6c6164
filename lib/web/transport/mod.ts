/**
 * The one upgrade call routes make, and the one reading of the TCP peer's address: each picks the
 * transport that serves this request (`ws` on `node:http` under `lib/ops/server.ts`, Deno's native one
 * under `deno serve`). See docs/architecture.md, "Transports". Under `deno serve` nothing of `ws`
 * is loaded: the ws transport hands its `accept` in with the request.
 */
import type { Context } from "hono";
import { nativeUpgrade } from "@/lib/web/transport/native.ts";
import type { Upgraded, UpgradeOptions, WsEnv } from "@/lib/web/transport/types.ts";

export type { HubSocket, Upgraded, UpgradeOptions } from "@/lib/web/transport/types.ts";

function isWs(env: unknown): env is WsEnv {
  return typeof env === "object" && env !== null && "incoming" in env;
}

/**
 * @example
 * const { socket, response } = upgrade(c, { protocol: "parley", idleTimeout: 30 });
 */
export function upgrade(c: Context, options: UpgradeOptions = {}): Upgraded {
  const env = c.env as unknown;
  if (isWs(env)) {
    if (!env.accept) throw new Error("not an upgrade request");
    return env.accept(options);
  }
  return nativeUpgrade(c.req.raw, options);
}

/**
 * The TCP peer's address (a proxy's, or the client's); undefined where there is no connection
 * (`app.request()` in tests).
 *
 * @example
 * peerAddress(c); // "127.0.0.1"
 */
export function peerAddress(c: Context): string | undefined {
  const env = c.env as unknown;
  if (isWs(env)) return env.incoming.socket?.remoteAddress;
  const remote = (env as { remoteAddr?: Deno.Addr } | undefined)?.remoteAddr;
  return remote && "hostname" in remote ? remote.hostname : undefined;
}
