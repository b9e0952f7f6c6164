/**
 * `GET /ws`: the chat WebSocket (SPEC.md, "WebSocket protocol"). The Origin is checked before the
 * upgrade; a missing session or too many sockets are refused after it, with a close code a browser
 * can read (it sees nothing of a refused upgrade).
 */
import type { AppContext } from "@/lib/web/app_env.ts";
import { CloseCode } from "@/lib/shared/protocol.ts";
import { log } from "@/lib/ops/log.ts";
import { socketBudget } from "@/lib/hub/socket_budget.ts";
import type { Session } from "@/lib/store/types.ts";
import type { Locale } from "@/lib/shared/i18n/mod.ts";
import { clientAddress, factsOf, originAllowed } from "@/lib/web/origin.ts";
import { addressSockets } from "@/lib/hub/address_sockets.ts";
import { widgetOf } from "@/lib/support/widget.ts";
import { upgrade, type UpgradeOptions } from "@/lib/web/transport/mod.ts";
import { tooLargeReason } from "@/lib/hub/connection.ts";

const budget = socketBudget();

/**
 * A browser fails a socket whose answer names none of the subprotocols it offered; the widget frame
 * offers "parley" beside its token (auth.ts), so that is the one named back.
 */
function upgradeOptions(c: AppContext): UpgradeOptions {
  const offered = c.req.header("sec-websocket-protocol")?.split(",").map((p) => p.trim()) ?? [];
  const { maxFrameBytes } = c.var.services.config;
  return {
    tooLargeReason: tooLargeReason(maxFrameBytes),
    ...(offered.includes("parley") ? { protocol: "parley" } : {}),
  };
}

/**
 * Upgrades only to close at once: the close code is the one answer a browser script can see. The
 * socket counts against its address until it is closed: until the peer answers the close, Deno
 * still reads (and, on the native transport, buffers) whatever message it sends.
 */
function refuse(c: AppContext, release: () => void, code: number, reason: string): Response {
  const { socket, response } = upgrade(c, upgradeOptions(c));
  socket.addEventListener("open", () => socket.close(code, reason), { once: true });
  socket.addEventListener("close", release, { once: true });
  return response;
}

export const handler = {
  GET(c: AppContext) {
    const { config, hub } = c.var.services;
    const req = c.req.raw;
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return c.json(
        { error: { code: "upgrade_required", message: "This endpoint speaks WebSocket only" } },
        426,
      );
    }
    const origin = req.headers.get("origin");
    // No Origin at all means a non-browser client, let through on its cookie.
    const allowed = { allowed: config.allowedOrigins, trusted: config.trustedProxies };
    if (origin !== null && !originAllowed(origin, factsOf(c), allowed)) {
      log.warn("ws.refused", { reason: "origin", origin: req.headers.get("origin") });
      return c.json({
        error: { code: "forbidden_origin", message: "This origin may not open the chat socket" },
      }, 403);
    }
    if (hub.stats().connections >= budget) {
      log.warn("ws.refused", { reason: "socket_budget", budget });
      c.header("Connection", "close");
      return c.json(
        { error: { code: "unavailable", message: "This server holds all the sockets it can" } },
        503,
      );
    }
    // Sockets per address come before any upgrade: every upgraded socket, even one refused with a
    // close code, can make Deno buffer a whole 64 MiB message (see lib/hub/address_sockets.ts). Past
    // the bound the answer is a plain 429, which costs nothing to read.
    const address = clientAddress(c);
    const perAddress = addressSockets(c.var.services.bus);
    if (!perAddress.admits(address, config.maxSocketsPerAddress)) {
      log.warn("ws.refused", { reason: "sockets_per_address" });
      c.header("Connection", "close");
      return c.json(
        { error: { code: "too_many_sockets", message: c.var.i18n.t("limits.sockets_per_address") } },
        429,
      );
    }
    const release = perAddress.add(address);
    const session = c.get("session");
    if (!session) return refuse(c, release, CloseCode.unauthorized, "Start a session first");
    if (hub.socketCount(session.id) >= config.maxSocketsPerSession) {
      log.warn("ws.refused", { reason: "too_many_sockets", user: session.userId });
      return refuse(c, release, CloseCode.tooManySockets, "Too many open sockets for this session");
    }
    // idleTimeout: Deno pings a quiet socket and drops it when no pong comes back in time, so a
    // peer that vanished without a close frame is noticed (and leaves presence) within ~30 s.
    const { socket, response } = upgrade(c, { idleTimeout: config.wsIdleTimeout, ...upgradeOptions(c) });
    socket.addEventListener("close", release, { once: true });
    // The socket's error frames speak the language of the page that opened it.
    const withLocale: Session & { locale: Locale } = { ...session, locale: c.get("locale") };
    hub.attach(socket, withLocale);
    // A counselor's console tab (`/ws?console`) makes them available to visitors while it is open.
    if (session.role === "counselor" && new URL(req.url).searchParams.has("console")) {
      widgetOf(c.var.services).availability.track(socket, session);
    }
    return response;
  },
};
