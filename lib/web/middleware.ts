/** Parley's middleware, each a factory returning a named function. */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "@/lib/web/app_env.ts";
import type { Services } from "@/lib/ops/services.ts";
import { readSession } from "@/lib/accounts/auth.ts";
import { forbidden, HttpError } from "@/lib/web/errors.ts";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { factsOf, originAllowed } from "@/lib/web/origin.ts";
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
  /** Sites that may frame `/widget` (WIDGET_ORIGINS); every other page may be framed by none. */
  widgetOrigins?: string[];
}

/** The one page other sites may frame: the support widget's chat. */
export const WIDGET_PATH = "/widget";

/**
 * `frame-ancestors` of a request: `/widget` for a listed `?origin=` may be framed by the listed
 * sites; for an unlisted one it is a harmless refusal page that any site may show (so the visitor
 * reads why, not the browser's blocked-frame page); every other page, nobody.
 */
function frameAncestors(c: Context<AppEnv>, widgetOrigins: string[]): string {
  if (c.req.path !== WIDGET_PATH) return "'none'";
  const origin = c.req.query("origin");
  if (!origin || !widgetOrigins.includes(origin)) return "*";
  return widgetOrigins.join(" ");
}

/**
 * Hono's `secureHeaders` with Parley's CSP: only the site's own scripts, no framing, no sniffing, a
 * strict referrer.
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler<AppEnv> {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'", ...(options.connectSrc ?? [])],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "strict-origin-when-cross-origin",
    // The widget and program pages link out; a strict COOP/CORP would break nothing but is not ours
    // to decide here.
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
  });
  const widgetOrigins = options.widgetOrigins ?? [];
  return async function securityHeadersMiddleware(c, next) {
    // A route that set its own CSP (attachments: a sandbox) keeps it; secureHeaders would replace it.
    let own: string | null = null;
    await headers(c, async () => {
      await next();
      own = c.res.headers.get("Content-Security-Policy");
    });
    if (own) {
      c.res.headers.set("Content-Security-Policy", own);
      return;
    }
    const ancestors = frameAncestors(c, widgetOrigins);
    if (ancestors === "'none'") return;
    const csp = c.res.headers.get("Content-Security-Policy") ?? "";
    c.header("Content-Security-Policy", csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${ancestors}`));
    // X-Frame-Options has no allow-list; CSP frame-ancestors governs where the widget may be framed.
    c.header("X-Frame-Options", undefined);
  };
}

/** Answers under `/api/` are someone's own data: never stored by a browser or a shared cache. */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async function noStoreMiddleware(c, next) {
    await next();
    if (new URL(c.req.url).pathname.startsWith("/api/") && !c.res.headers.has("cache-control")) {
      c.header("Cache-Control", "no-store");
    }
  };
}

/** What `deno task build` makes for browsers; its inputs (entry, config, lock) are not for them. */
const BUILT = /^\/static\/build\/[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|map)(\.(gz|br))?$/;

/** Under `/static/build/` only built bundles are served; the bundle's sources answer 404. */
export function builtOnly(): MiddlewareHandler<AppEnv> {
  return async function builtOnlyMiddleware(c, next) {
    const path = new URL(c.req.url).pathname;
    if (path.startsWith("/static/build/") && !BUILT.test(path)) {
      throw new HttpError(404, "not_found", "Page not found");
    }
    await next();
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
 * Refuses state-changing requests sent from another site (login CSRF, forced logout) with Hono's
 * `csrf`, judged by the one origin policy of `origin.ts`. A browser always says where a POST comes
 * from with `Origin` or `Sec-Fetch-Site`; clients that send neither are not browsers and carry no
 * ambient cookies worth forging, so they are let through.
 */
export function sameOrigin(): MiddlewareHandler<AppEnv> {
  return async function sameOriginMiddleware(c, next) {
    const browser = c.req.header("origin") !== undefined || c.req.header("sec-fetch-site") !== undefined;
    if (!browser || ["GET", "HEAD", "OPTIONS"].includes(c.req.method)) return await next();
    const { config } = c.var.services;
    const check = csrf({
      origin: (origin) =>
        originAllowed(origin, factsOf(c), { allowed: config.allowedOrigins, trusted: config.trustedProxies }),
    });
    // Hono's csrf judges form-like bodies only (JSON needs a CORS preflight, which Parley never
    // grants); it is shown every state-changing request as one, so a JSON body is judged too.
    const asForm = {
      req: {
        method: c.req.method,
        header: (name: string) => name.toLowerCase() === "content-type" ? "text/plain" : c.req.header(name),
      },
    } as unknown as Context;
    try {
      await check(asForm, () => Promise.resolve());
    } catch (error) {
      if (error instanceof HTTPException) throw forbidden("limits.cross_site");
      throw error;
    }
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
