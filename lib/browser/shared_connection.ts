/**
 * The tab's one chat connection, shared by every island on the page (the room, the console's queue,
 * the support status), opened to this site's `/ws` on first use.
 */
import { ChatConnection } from "@/lib/browser/chat_client.ts";

let shared: ChatConnection | null = null;
let sharedSetup: { query?: string; protocols?: string[] } = {};

/**
 * Settles how the tab's one connection opens, before its first use: `query` is added to `/ws` (the
 * console says `console`), `protocols` are offered (the widget frame's token, which has no cookie).
 *
 * @example
 * configureSharedConnection({ query: "console" });
 */
export function configureSharedConnection(setup: { query?: string; protocols?: string[] }): void {
  sharedSetup = setup;
}

/**
 * The tab's one connection, made on first use, to this site's `/ws`.
 *
 * @example
 * sharedConnection().join(roomId, handlers);
 */
export function sharedConnection(): ChatConnection {
  if (!shared) {
    const { protocol, host } = globalThis.location;
    const { query, protocols } = sharedSetup;
    const conn = new ChatConnection({
      url: `${protocol === "https:" ? "wss:" : "ws:"}//${host}/ws${query ? `?${query}` : ""}`,
      ...(protocols ? { createSocket: (url: string) => new WebSocket(url, protocols) } : {}),
    });
    // Back online: no reason to sit out the rest of a backoff.
    globalThis.addEventListener?.("online", () => conn.retryNow());
    shared = conn;
  }
  return shared;
}
