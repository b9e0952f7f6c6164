import { deepEqual, equal } from "node:assert/strict";
import { pageWeights, referencedPaths } from "./pageweight.ts";

Deno.test("[bench] page weight - scripts, style sheets and imports on the same origin are followed", () => {
  const html = `<link rel="stylesheet" href="/s.css"><script src="/a.js"></script>
    <script type="module">import "/b.js";</script><script src="https://cdn.example/x.js"></script>`;
  deepEqual(referencedPaths(html, "/", "http://127.0.0.1:1").sort(), ["/a.js", "/b.js", "/s.css"]);
  deepEqual(referencedPaths('import { x } from "./dep.js";', "/js/a.js", "http://127.0.0.1:1"), [
    "/js/dep.js",
  ]);
  // Minified, as `deno bundle` writes them; a dynamic import is loaded only by pages that need it.
  const minified =
    'import{a as b}from"./chunk-A.js";import"./chunk-B.js";const l={X:()=>import("./X-1.js")};';
  deepEqual(referencedPaths(minified, "/b/entry.js", "http://127.0.0.1:1"), [
    "/b/chunk-A.js",
    "/b/chunk-B.js",
  ]);
  deepEqual(
    referencedPaths('<link rel="modulepreload" href="/b/X-1.js">', "/", "http://127.0.0.1:1"),
    ["/b/X-1.js"],
  );
});

Deno.test("[bench] page weight - bytes as sent, compressed or not, from a real server", async () => {
  const js = `import "./dep.js";\n${"console.log('hello');\n".repeat(200)}`;
  const files: Record<string, [string, string]> = {
    "/": ["text/html", `<script type="module" src="/app.js"></script>${"<p>hi</p>".repeat(100)}`],
    "/app.js": ["text/javascript", js],
    "/dep.js": ["text/javascript", "export const x = 1;"],
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const file = files[new URL(req.url).pathname];
    if (!file) return new Response("no", { status: 404 });
    const body = new TextEncoder().encode(file[1]);
    // gzip only: a br request gets the identity body, as from a server that does no brotli.
    if (!(req.headers.get("accept-encoding") ?? "").includes("gzip")) {
      return new Response(body, { headers: { "content-type": file[0] } });
    }
    const gz = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
    return new Response(gz, { headers: { "content-type": file[0], "content-encoding": "gzip" } });
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const w = await pageWeights(base, ["/", "/missing"], ["/widget.js"]);
    deepEqual(w.pages.map((p) => p.path), ["/"]);
    deepEqual(w.pages[0].assets.sort(), ["/", "/app.js", "/dep.js"]);
    const app = w.assets.find((a) => a.path === "/app.js")!;
    equal(app.identity.bytes, new TextEncoder().encode(js).length);
    equal(app.gzip.encoding, "gzip");
    equal(app.gzip.bytes < app.identity.bytes / 5, true);
    deepEqual(app.br, app.identity);
    equal(w.assets.some((a) => a.path === "/widget.js"), false);
    equal(w.pages[0].identity, w.assets.reduce((n, a) => n + a.identity.bytes, 0));
  } finally {
    await server.shutdown();
  }
});
