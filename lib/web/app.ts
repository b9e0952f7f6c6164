/** Builds the Hono app: middleware, the routes of `routes/`, static files and the one error handler. */
import { Hono } from "hono";
import { serveStatic } from "hono/deno";
import type { AppEnv } from "@/lib/web/app_env.ts";
import type { Services } from "@/lib/ops/services.ts";
import { HttpError, toHttpError } from "@/lib/web/errors.ts";
import {
  bodyLimit,
  builtOnly,
  locale,
  noStore,
  sameOrigin,
  securityHeaders,
  services,
  session,
} from "@/lib/web/middleware.ts";
import { mountRoutes } from "@/lib/web/routes.ts";
import { compression } from "@/lib/web/compression.ts";
import { registerIslands } from "@/lib/web/islands.ts";
import { renderPage } from "@/lib/web/render.ts";
import { manifest } from "@/lib/web/manifest.gen.ts";
import App from "@/routes/_app.tsx";
import * as ErrorPage from "@/routes/_error.tsx";
import { log } from "@/lib/ops/log.ts";
import { localizeError } from "@/lib/shared/i18n/mod.ts";

registerIslands(manifest.islands);

/**
 * @example
 * const app = createApp(await openServices(loadConfig()));
 * const res = await app.request("/healthz");
 */
export function createApp(s: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(
    services(s),
    compression(),
    securityHeaders({ widgetOrigins: s.config.widgetOrigins }),
    noStore(),
    locale(),
  );
  app.use("/static/build/*", builtOnly());
  app.use(
    "/static/*",
    serveStatic({
      root: new URL("../..", import.meta.url).pathname,
      onFound: (path, c) => {
        c.header(
          "Cache-Control",
          path.includes("/build/") ? "public, max-age=31536000, immutable" : "public, max-age=300",
        );
      },
    }),
  );
  app.use(
    sameOrigin(),
    session(),
    bodyLimit({
      maxBytes: s.config.maxBodyBytes,
      // An upload's multipart framing (boundaries, part headers) comes on top of the file itself.
      larger: [{ path: /^\/api\/rooms\/[^/]+\/files$/, maxBytes: s.config.maxUploadBytes + 16 * 1024 }],
    }),
  );
  mountRoutes(app, manifest.routes, App);

  const errorResponse = (c: Parameters<Parameters<typeof app.onError>[0]>[1], err: HttpError) => {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    const message = localizeError(c.get("locale") ?? "en", err.code, err.message);
    if (
      new URL(c.req.url).pathname.startsWith("/api/") || c.req.header("accept")?.includes("application/json")
    ) {
      return c.json({ error: { code: err.code, message } }, err.status as 400);
    }
    return renderPage(c, App, ErrorPage, { status: err.status, message }, err.status);
  };
  app.notFound((c) => errorResponse(c, new HttpError(404, "not_found", "Page not found")));
  app.onError((err, c) => {
    // Store errors (unavailable, conflict, not found, invalid) get their status here and nowhere else.
    const known = toHttpError(err);
    if (known) return errorResponse(c, known);
    log.error("http.error", { path: new URL(c.req.url).pathname, error: String(err?.stack ?? err) });
    return errorResponse(c, new HttpError(500, "internal", "Something went wrong on our side"));
  });
  return app;
}
