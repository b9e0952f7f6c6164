/**
 * `deno task build`: writes `lib/web/manifest.gen.ts` (every module of routes/ and islands/) and bundles
 * the islands for the browser into `static/build/islands.js` with `deno bundle`.
 * `--manifest-only` skips the bundle (the dev watcher uses it for route changes).
 */
import { parseArgs } from "node:util";
import { generateManifest } from "./manifest.ts";

const root = new URL("..", import.meta.url);
const manifest = await generateManifest(root);
const manifestPath = new URL("lib/web/manifest.gen.ts", root);
let current = "";
try {
  current = await Deno.readTextFile(manifestPath);
} catch { /* first build */ }
if (current !== manifest.source) await Deno.writeTextFile(manifestPath, manifest.source);

const { values: flags } = parseArgs({ args: Deno.args, options: { "manifest-only": { type: "boolean" } } });
if (!flags["manifest-only"]) {
  const build = new URL("static/build/", root);
  await Deno.mkdir(build, { recursive: true });
  const entry = new URL("entry.ts", build);
  await Deno.writeTextFile(entry, manifest.browserEntry);
  // The browser needs plain `jsx()` calls: precompiled templates (`jsxTemplate`) only render to strings,
  // so islands would never hydrate. Bundle with the same imports and the automatic runtime instead.
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const imports = { ...config.imports, "@/": "../../" };
  const bundleConfig = { compilerOptions: { ...config.compilerOptions, jsx: "react-jsx" }, imports };
  await Deno.writeTextFile(new URL("bundle.deno.json", build), JSON.stringify(bundleConfig));
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      "static/build/bundle.deno.json",
      "--platform",
      "browser",
      "--minify",
      "-o",
      "static/build/islands.js",
      "static/build/entry.ts",
    ],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) Deno.exit(out.code || 1);
  // widget.js runs on other sites as a classic script: one self-contained IIFE, no imports.
  const widget = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      "static/build/bundle.deno.json",
      "--platform",
      "browser",
      "--format",
      "iife",
      "--minify",
      "-o",
      "static/build/widget.js",
      "lib/browser/widget_loader.ts",
    ],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!widget.success) Deno.exit(widget.code || 1);
  const js = await Deno.readFile(new URL("islands.js", build));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", js));
  const hash = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(new URL("meta.json", build), JSON.stringify({ hash, bytes: js.length }));
}
