/**
 * `deno task widget:demo`: a "foreign" site with the support widget on it, in one command. It starts
 * Parley on http://127.0.0.1:8000 (PORT) with WIDGET_ORIGINS set to the demo site, and serves two
 * pages of a made-up shop on http://localhost:8001 (DEMO_PORT): a different site to the browser
 * (localhost vs 127.0.0.1), so the widget runs exactly as it would on a customer's website.
 * Log in to /console as a counselor (`deno task counselor <name>`) to answer.
 */

export interface HostPageOptions {
  /** Parley's origin, where widget.js comes from. */
  parley: string;
  port: number;
  hostname?: string;
  /** `<html lang>` of the pages. */
  lang?: string;
}

/** The demo site's pages: two, so moving between them shows the conversation staying. */
function page(path: string, { parley, lang = "en" }: HostPageOptions): string {
  const other = path === "/" ? "/pricing" : "/";
  const title = path === "/" ? "Acme Academy" : "Acme Academy · Pricing";
  return `<!DOCTYPE html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px/1.5 Georgia,serif;margin:40px;color:#333}h1{color:#7c2d12}</style></head>
<body>
<h1>${title}</h1>
<p>This page belongs to another website. The chat bubble in the corner comes from Parley.</p>
<p><a href="${other}">${other === "/" ? "Home" : "Pricing"}</a></p>
<script src="${parley}/widget.js" defer></script>
</body>
</html>`;
}

/**
 * Serves the demo site; `shutdown()` stops it.
 *
 * @example
 * const site = serveHostPage({ parley: "http://127.0.0.1:8000", port: 8001 });
 */
export function serveHostPage(options: HostPageOptions): Deno.HttpServer {
  return Deno.serve(
    { port: options.port, hostname: options.hostname ?? "127.0.0.1", onListen: () => {} },
    (req) => {
      const { pathname } = new URL(req.url);
      if (pathname !== "/" && pathname !== "/pricing") return new Response("Not found", { status: 404 });
      return new Response(page(pathname, options), {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    },
  );
}

if (import.meta.main) {
  const port = Number(Deno.env.get("PORT") ?? 8000);
  const demoPort = Number(Deno.env.get("DEMO_PORT") ?? 8001);
  const demo = `http://localhost:${demoPort}`;
  const parley = `http://127.0.0.1:${port}`;
  const root = new URL("..", import.meta.url);
  const build = await new Deno.Command(Deno.execPath(), { args: ["task", "build"], cwd: root }).output();
  if (!build.success) Deno.exit(1);
  const server = new Deno.Command(Deno.execPath(), {
    args: ["serve", "-A", "--host", "127.0.0.1", "--port", String(port), "main.ts"],
    cwd: root,
    env: { WIDGET_ORIGINS: [Deno.env.get("WIDGET_ORIGINS"), demo].filter(Boolean).join(",") },
  }).spawn();
  serveHostPage({ parley, port: demoPort, hostname: "localhost" });
  console.log(`Parley on ${parley} (counselors: ${parley}/console)\nThe demo site: ${demo}`);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => {
      server.kill("SIGTERM");
      Deno.exit(0);
    });
  }
}
