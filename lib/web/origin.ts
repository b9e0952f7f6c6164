/**
 * Who is asking, and from where: the one place that reads the client's address and the site's own
 * origin. `X-Forwarded-For`, `-Host` and `-Proto` are believed only when the connection comes from
 * one of `TRUSTED_PROXIES`; otherwise anyone could pick their own address (and so their own rate
 * budget) or their own idea of which host they are talking to.
 */
import { peerAddress } from "@/lib/web/transport/mod.ts";
import type { AppContext } from "@/lib/web/app_env.ts";

/** What the origin policy needs to know about one request. */
export interface RequestFacts {
  /** The address of the TCP peer (a proxy, or the client itself). */
  peer: string;
  /** The request's own URL (`http://host:port/path` as Deno saw it). */
  url: string;
  headers: Headers;
}

/** `::ffff:1.2.3.4` and `1.2.3.4` are one address. */
function plain(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, "");
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

function firstOf(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.split(",")[0].trim() || undefined;
}

/**
 * The client's address: the TCP peer, or, when the peer is a trusted proxy, the right-most address
 * of `X-Forwarded-For` that is not itself a trusted proxy.
 *
 * @example
 * clientAddressOf({ peer: "10.0.0.1", url, headers }, ["10.0.0.1"]); // "203.0.113.9" from XFF
 */
export function clientAddressOf(facts: RequestFacts, trusted: readonly string[]): string {
  const peer = plain(facts.peer);
  if (!trusted.includes(peer)) return peer;
  const hops = (facts.headers.get("x-forwarded-for") ?? "").split(",").map(plain).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.includes(hops[i])) return hops[i];
  return hops[0] ?? peer;
}

/**
 * The origin the browser sees for this site: the request's own, or the one a trusted proxy reports
 * with `X-Forwarded-Proto` / `-Host`.
 *
 * @example
 * siteOrigin({ peer: "127.0.0.1", url: "http://localhost:8000/", headers }, []); // "http://localhost:8000"
 */
export function siteOrigin(facts: RequestFacts, trusted: readonly string[]): string {
  const url = new URL(facts.url);
  let proto = url.protocol.slice(0, -1);
  let host = facts.headers.get("host") || url.host;
  if (trusted.includes(plain(facts.peer))) {
    proto = firstOf(facts.headers, "x-forwarded-proto") ?? proto;
    host = firstOf(facts.headers, "x-forwarded-host") ?? host;
  }
  const web: Record<string, string> = { ws: "http", wss: "https" };
  return `${web[proto] ?? proto}://${host}`;
}

/**
 * The one origin policy (WebSocket upgrades and state-changing requests alike): a browser's `Origin`
 * must be the site's own or one of `ALLOWED_ORIGINS`.
 *
 * @example
 * originAllowed("https://chat.example", facts, { allowed: [], trusted: [] });
 */
export function originAllowed(
  origin: string,
  facts: RequestFacts,
  { allowed, trusted }: { allowed: readonly string[]; trusted: readonly string[] },
): boolean {
  return allowed.includes(origin) || origin === siteOrigin(facts, trusted);
}

/** The facts of a Hono request. */
export function factsOf(c: AppContext): RequestFacts {
  // app.request() in tests has no connection: the address is "unknown".
  return { peer: peerAddress(c) ?? "unknown", url: c.req.url, headers: c.req.raw.headers };
}

/**
 * The trusted client address of a request; every address-keyed limit uses it.
 *
 * @example
 * await enforce(throttle, clientAddress(c), message);
 */
export function clientAddress(c: AppContext): string {
  return clientAddressOf(factsOf(c), c.var.services.config.trustedProxies);
}

/** True when the browser reached the site over HTTPS (directly or through a trusted proxy). */
export function isHttps(c: AppContext): boolean {
  return siteOrigin(factsOf(c), c.var.services.config.trustedProxies).startsWith("https:");
}
