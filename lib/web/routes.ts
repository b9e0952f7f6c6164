/**
 * Turns the modules of `routes/` (listed in the generated `manifest.gen.ts`) into Hono routes, so
 * adding a page or an API route is adding a file. `routes/rooms/[id].tsx` serves `/rooms/:id`;
 * `index` files serve their folder; files starting with `_` are special and not routes.
 */
import type { ComponentType } from "preact";
import type { Hono } from "hono";
import type { AppEnv, Method, RouteModule } from "@/lib/web/app_env.ts";
import { type AppShellProps, renderPage } from "@/lib/web/render.ts";

/**
 * @example
 * routePath("rooms/[id].tsx"); // "/rooms/:id"
 * routePath("index.tsx"); // "/"
 */
export function routePath(file: string): string {
  const segments = file.replace(/\.(tsx|ts)$/, "").split("/");
  if (segments.at(-1) === "index") segments.pop();
  return "/" + segments.map((s) => s.replace(/^\[(\w+)\]$/, ":$1")).join("/");
}

/** Static segments sort before parameters so `/api/rooms/join` wins over `/api/rooms/:id`. */
function specificity(path: string): string {
  return path.split("/").map((s) => (s.startsWith(":") ? "~" : s)).join("/");
}

const methods: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Mounts every route module on `app`.
 *
 * @example
 * mountRoutes(app, manifest.routes, App);
 */
export function mountRoutes(
  app: Hono<AppEnv>,
  routes: Record<string, RouteModule>,
  App: ComponentType<AppShellProps>,
): void {
  const files = Object.keys(routes).filter((f) => !f.split("/").some((s) => s.startsWith("_")));
  // By code unit, not localeCompare: collation puts "~" before letters, and `/api/programs/:id`
  // would then shadow `/api/programs/events`.
  files.sort((a, b) => {
    const x = specificity(routePath(a)), y = specificity(routePath(b));
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const file of files) {
    const mod = routes[file];
    const path = routePath(file);
    const page = mod.default;
    for (const method of methods) {
      const handle = mod.handler?.[method] ?? (method === "GET" && page ? (c) => c.var.render() : undefined);
      if (!handle) continue;
      app.on(method, path, (c) => {
        if (page) c.set("render", (data, init) => renderPage(c, App, mod, data, init?.status));
        return handle(c);
      });
    }
  }
}
