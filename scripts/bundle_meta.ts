/**
 * What `deno task build` tells the server about the bundle (static/build/meta.json): the entry per
 * locale, the files each entry and each island needs (the file itself, then every chunk it imports
 * statically, transitively), and one hash of them all for the entries' cache-busting query.
 * Island chunks are the ones `deno bundle --code-splitting` names after the island (`ChatPane-X.js`).
 */

export interface BundleMeta {
  hash: string;
  /** Per locale: the entry's file, then the chunks it imports. */
  entries: Record<string, string[]>;
  /** Per island: its chunk, then the chunks it imports. */
  islands: Record<string, string[]>;
  bytes: number;
}

/** `import{a}from"./x.js"`, `export*from"./x.js"`, `import"./x.js"`; never `import("./x.js")`. */
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g;

/**
 * The static imports of every module in `files` (name → source), as file names.
 *
 * @example
 * staticImports({ "a.js": 'import{x}from"./b.js";import("./c.js")' }); // { "a.js": ["b.js"] }
 */
export function staticImports(files: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(files).map((
      [name, text],
    ) => [name, [...new Set([...text.matchAll(STATIC_IMPORT)].map((m) => m[1]))]]),
  );
}

/** `file` and everything it imports statically, depth first, each once. */
export function closure(file: string, imports: Record<string, string[]>): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const dep of imports[f] ?? []) visit(dep);
  };
  visit(file);
  return [...seen];
}

/** Reads the built JavaScript in `dir` (widget.js aside: it stands alone) and describes it. */
export async function bundleMeta(
  dir: URL,
  locales: readonly string[],
  islands: string[],
): Promise<BundleMeta> {
  const files: Record<string, string> = {};
  for await (const f of Deno.readDir(dir)) {
    if (f.isFile && f.name.endsWith(".js") && f.name !== "widget.js") {
      files[f.name] = await Deno.readTextFile(new URL(f.name, dir));
    }
  }
  const imports = staticImports(files);
  const names = Object.keys(files).sort();
  const entries = Object.fromEntries(locales.map((l) => [l, closure(`entry.${l}.js`, imports)]));
  const islandFiles: Record<string, string[]> = {};
  for (const island of islands) {
    const own = names.find((n) =>
      n.startsWith(`${island}-`) && /^[A-Z0-9]+\.js$/.test(n.slice(island.length + 1))
    );
    if (!own) throw new Error(`deno bundle made no chunk for the island ${island}`);
    islandFiles[island] = closure(own, imports);
  }
  const all = new TextEncoder().encode(names.map((n) => files[n]).join("\n"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  const hash = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
  return { hash, entries, islands: islandFiles, bytes: all.length };
}

/**
 * The strings a locale's entry carries: those the browser's modules name (`sources`), as a literal
 * key, as a template's prefix (`` `support.state.${state}` ``) or as a plural's base key, and the
 * `common.*` basics. The rest, the server's error wording among it (the server words errors in the
 * reader's language before sending them), stays on the server.
 *
 * @example
 * browserStrings({ "errors.x": "…", "chat.send": "Send" }, 't("chat.send")'); // { "chat.send": "Send" }
 */
export function browserStrings(
  catalog: Record<string, string | undefined>,
  sources: string,
): Record<string, string> {
  const prefixes = [...sources.matchAll(/`([a-z][A-Za-z_]*(?:\.[A-Za-z_]+)*\.)\$\{/g)].map((m) => m[1]);
  const named = (key: string) =>
    key.startsWith("common.") || [`"${key}"`, `'${key}'`, `\`${key}\``].some((q) => sources.includes(q)) ||
    prefixes.some((p) => key.startsWith(p));
  const kept: Record<string, string> = {};
  for (const [key, text] of Object.entries(catalog)) {
    if (text !== undefined && (named(key) || named(key.replace(/\.(one|other)$/, "")))) kept[key] = text;
  }
  return kept;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm;

/**
 * The text of every module the browser bundle reaches from islands/ and lib/browser/, following
 * their imports; the string catalogs (lib/shared/i18n/) aside, since they name every key.
 */
export async function browserSources(root: URL): Promise<string> {
  const queue: string[] = [];
  const list = async (dir: string) => {
    for await (const f of Deno.readDir(new URL(dir, root))) {
      if (f.isDirectory) await list(`${dir}${f.name}/`);
      else if (/\.tsx?$/.test(f.name) && !/_test\.tsx?$/.test(f.name)) queue.push(`${dir}${f.name}`);
    }
  };
  await list("islands/");
  await list("lib/browser/");
  const seen = new Set(queue);
  const texts: string[] = [];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (file.startsWith("lib/shared/i18n/")) continue;
    const text = await Deno.readTextFile(new URL(file, root));
    texts.push(text);
    for (const [, spec] of text.matchAll(IMPORT)) {
      const target = spec.startsWith("@/")
        ? spec.slice(2)
        : spec.startsWith(".")
        ? new URL(spec, new URL(file, root)).pathname.slice(root.pathname.length)
        : null;
      if (target && /\.tsx?$/.test(target) && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return texts.join("\n");
}
