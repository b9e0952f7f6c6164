/** Parley's middleware, each a factory returning a named function. */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "@/lib/web/app_env.ts";
import type { Services } from "@/lib/ops/services.ts";
import { readSession } from "@/lib/accounts/auth.ts";
import { forbidden, HttpError } from "@/lib/web/errors.ts";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { LOCALE_COOKIE, pickLocale, translator } from "@/lib/shared/i18n/mod.ts";

/** Puts the isolate's services on every request's context. */
export function services(s: Services): MiddlewareHandler<AppEnv> {
  return async function servicesMiddleware(c, next) {
    c.set("services", s);
    await next();
  };
}

/** Loads the session named by the cookie, once per request. */
export function session(): MiddlewareHandler<AppEnv> {
  return async function sessionMiddleware(c, next) {
    c.set("session", await readSession(c));
    await next();
  };
}

export interface SecurityHeadersOptions {
  /** Extra `connect-src` sources beyond 'self' (the WebSocket is same-origin). */
  connectSrc?: string[];
}

/** CSP allowing only the site's own scripts, no framing, no sniffing, a strict referrer. */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler<AppEnv> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${(options.connectSrc ?? []).join(" ")}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return async function securityHeadersMiddleware(c, next) {
    await next();
    // A route that set its own (attachments: a sandbox) keeps it.
    if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", csp);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "strict-origin-when-cross-origin");
    c.header("X-Frame-Options", "DENY");
  };
}

export interface BodyLimitOptions {
  maxBytes: number;
  /** Larger limits for some paths (uploads): the first whose pattern matches the path applies. */
  larger?: { path: RegExp; maxBytes: number }[];
}

/** Refuses request bodies over `maxBytes` with 413, counting as they stream (no Content-Length trust). */
export function bodyLimit({ maxBytes, larger = [] }: BodyLimitOptions): MiddlewareHandler<AppEnv> {
  const make = (max: number) =>
    honoBodyLimit({
      maxSize: max,
      onError: () => {
        throw new HttpError(413, "too_large", `Request body over ${max} bytes`);
      },
    });
  const limit = make(maxBytes);
  const others = larger.map((l) => ({ path: l.path, limit: make(l.maxBytes) }));
  return function bodyLimitMiddleware(c, next) {
    const path = c.req.path;
    return (others.find((o) => o.path.test(path))?.limit ?? limit)(c, next);
  };
}

/**
 * Refuses state-changing requests sent from another site (login CSRF, forced logout): a browser
 * always says where a POST comes from with `Origin` or `Sec-Fetch-Site`. Clients that send neither
 * are not browsers and carry no ambient cookies worth forging.
 */
function assertSameOrigin(c: Context<AppEnv>): void {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  if (origin !== undefined) {
    const allowed = new Set([new URL(c.req.url).origin, ...c.var.services.config.allowedOrigins]);
    // Behind a proxy the browser's origin is the proxy's host, as the proxy reports it.
    for (const host of [c.req.header("host"), c.req.header("x-forwarded-host")?.split(",")[0].trim()]) {
      if (host) allowed.add(`http://${host}`).add(`https://${host}`);
    }
    if (!allowed.has(origin)) throw forbidden("Cross-site requests are not accepted");
    return;
  }
  if (site === "cross-site") throw forbidden("Cross-site requests are not accepted");
}

/** Applies the cross-site check to every request that can change state. */
export function sameOrigin(): MiddlewareHandler<AppEnv> {
  return async function sameOriginMiddleware(c, next) {
    if (!["GET", "HEAD", "OPTIONS"].includes(c.req.method)) assertSameOrigin(c);
    await next();
  };
}

/** Sets `locale` and its translator `i18n` from the `lang` cookie, else `Accept-Language`. */
export function locale(): MiddlewareHandler<AppEnv> {
  return async function locale(c, next) {
    const chosen = pickLocale(getCookie(c, LOCALE_COOKIE), c.req.header("accept-language"));
    c.set("locale", chosen);
    c.set("i18n", translator(chosen));
    c.header("Vary", "Accept-Language, Cookie", { append: true });
    await next();
  };
}
