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
 * The strings a locale's entry carries: all but the server's own areas, `errors.*` and `limits.*`
 * (the server words its errors in the reader's language before sending them), keeping those keys the
 * browser code names itself.
 *
 * @example
 * browserStrings({ "errors.x": "…", "chat.send": "Send" }, ""); // { "chat.send": "Send" }
 */
export function browserStrings(
  catalog: Record<string, string | undefined>,
  sources: string,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, text] of Object.entries(catalog)) {
    const named = sources.includes(`"${key}"`) || sources.includes(`'${key}'`);
    if (text !== undefined && (!/^(errors|limits)\./.test(key) || named)) kept[key] = text;
  }
  return kept;
}

/**
 * The text of the modules the browser bundle can reach (islands, components, lib/browser, lib/shared),
 * the string catalogs aside: they name every key.
 */
export async function browserSources(root: URL): Promise<string> {
  const texts: string[] = [];
  const walk = async (dir: URL) => {
    for await (const f of Deno.readDir(dir)) {
      if (f.isDirectory && f.name !== "i18n") await walk(new URL(`${f.name}/`, dir));
      else if (f.isFile && /\.tsx?$/.test(f.name) && !/_test\.tsx?$/.test(f.name)) {
        texts.push(await Deno.readTextFile(new URL(f.name, dir)));
      }
    }
  };
  for (const dir of ["islands/", "components/", "lib/browser/", "lib/shared/"]) {
    await walk(new URL(dir, root));
  }
  return texts.join("\n");
}
