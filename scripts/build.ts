/**
 * `deno task build`: writes `lib/manifest.gen.ts` (every module of routes/ and islands/) and bundles
 * the islands for the browser into `static/build/islands.js` with `deno bundle`.
 * `--manifest-only` skips the bundle (the dev watcher uses it for route changes).
 */
import { generateManifest } from "./manifest.ts";

const root = new URL("..", import.meta.url);
const manifest = await generateManifest(root);
const manifestPath = new URL("lib/manifest.gen.ts", root);
let current = "";
try {
  current = await Deno.readTextFile(manifestPath);
} catch { /* first build */ }
if (current !== manifest.source) await Deno.writeTextFile(manifestPath, manifest.source);

if (!Deno.args.includes("--manifest-only")) {
  const build = new URL("static/build/", root);
  await Deno.mkdir(build, { recursive: true });
  const entry = new URL("entry.ts", build);
  await Deno.writeTextFile(entry, manifest.browserEntry);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--minify", "-o", "static/build/islands.js", "static/build/entry.ts"],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) Deno.exit(out.code || 1);
  const js = await Deno.readFile(new URL("islands.js", build));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", js));
  const hash = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(new URL("meta.json", build), JSON.stringify({ hash, bytes: js.length }));
}
