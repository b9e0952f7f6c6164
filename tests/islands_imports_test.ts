/**
 * Islands and lib/browser/ run in the browser: they (and everything they import, transitively) may
 * import only lib/shared/, lib/browser/, components/, islands/ and Preact. The rule is by folder.
 * A server module reaching an island would ship it to every browser, or break the bundle.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** Folders whose modules run in the browser: islands, the components they render, lib/shared and lib/browser. */
const BROWSER_DIRS = ["islands/", "components/", "lib/shared/", "lib/browser/"];
const PACKAGES = /^(preact|preact\/hooks|preact\/jsx-runtime|@preact\/signals)$/;

const IMPORT = /^\s*(import|export)\s+(type\s+)?([^'"]*?\s+from\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\s*\(/;

interface Found {
  file: string;
  problem: string;
}

/** Resolves a specifier to a repo-relative path, or returns it unchanged for packages. */
function resolve(from: string, spec: string): string {
  if (spec.startsWith("@/")) return spec.slice(2);
  if (spec.startsWith(".")) return new URL(spec, new URL(from, ROOT)).pathname.slice(ROOT.pathname.length);
  return spec;
}

async function browserEntries(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(new URL(dir, ROOT))) {
      const rel = `${dir}${e.name}`;
      if (e.isDirectory) await walk(`${rel}/`);
      else if (/\.tsx?$/.test(e.name) && !/_test\.tsx?$/.test(e.name)) out.push(rel);
    }
  };
  await walk("islands/");
  await walk("lib/browser/");
  return out;
}

const readRepoFile = (file: string) => Deno.readTextFile(new URL(file, ROOT));

/** Walks the import graph from `entries` and lists every import an island may not make. */
async function checkImports(
  entries: string[],
  read = readRepoFile,
): Promise<{ problems: Found[]; visited: string[] }> {
  const problems: Found[] = [];
  const queue = [...entries];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const file = queue.shift()!;
    const source = await read(file);
    if (DYNAMIC.test(source)) problems.push({ file, problem: "dynamic import()" });
    for (const m of source.matchAll(IMPORT)) {
      const typeOnly = Boolean(m[2]);
      const target = resolve(file, m[4]);
      const local = !/^(npm:|jsr:|node:|https?:)/.test(m[4]) &&
        (m[4].startsWith(".") || m[4].startsWith("@/"));
      if (!local) {
        if (!PACKAGES.test(m[4]) && !typeOnly) problems.push({ file, problem: `imports package ${m[4]}` });
        continue;
      }
      const ok = BROWSER_DIRS.some((dir) => target.startsWith(dir));
      if (!ok) {
        problems.push({ file, problem: `${typeOnly ? "type-imports" : "imports"} ${target}` });
        continue;
      }
      // Type-only imports are erased: nothing behind them reaches the browser.
      if (!typeOnly && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return { problems, visited: [...seen].sort() };
}

Deno.test("[islands] imports - islands reach only browser-safe modules", async () => {
  const { problems, visited } = await checkImports(await browserEntries());
  assert.ok(visited.some((f) => f.startsWith("islands/")), "found no islands");
  assert.ok(visited.includes("lib/browser/chat_client.ts"), "did not follow the islands' imports");
  assert.deepEqual(problems, [], problems.map((p) => `${p.file}: ${p.problem}`).join("\n"));
});

Deno.test("[islands] imports - the checker catches server imports, direct and transitive", async () => {
  // An imaginary island, read from memory so the shared tree is never touched.
  const fake: Record<string, string> = {
    "islands/Bad.tsx": `import { z } from "zod";\nimport type { Store } from "@/lib/store/types.ts";\n` +
      `import { HttpError } from "@/lib/web/errors.ts";\nimport type { AppEnv } from "@/lib/web/app_env.ts";\n` +
      `import Thing from "../components/Thing.tsx";\n`,
    "components/Thing.tsx": `import { h } from "preact";\nexport { x } from "@/lib/hub/hub.ts";\n`,
  };
  const { problems } = await checkImports(["islands/Bad.tsx"], (f) => Promise.resolve(fake[f] ?? ""));
  assert.deepEqual(problems.map((p) => `${p.file}: ${p.problem}`).sort(), [
    "components/Thing.tsx: imports lib/hub/hub.ts",
    "islands/Bad.tsx: imports lib/web/errors.ts",
    "islands/Bad.tsx: imports package zod",
    "islands/Bad.tsx: type-imports lib/store/types.ts",
    "islands/Bad.tsx: type-imports lib/web/app_env.ts",
  ]);
});
