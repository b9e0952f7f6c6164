/**
 * (g) Page weight, Parley only: the bytes on the wire of every page a guest opens and of every asset
 * those pages pull in (scripts followed through their imports, style sheets), asked for three ways —
 * `Accept-Encoding: identity`, `gzip` and `br` — plus `/widget.js` once the server serves it.
 * node:http is used because it hands the body over as sent: fetch would decode it first.
 */
import { request } from "node:http";
import { gzipSync } from "node:zlib";

export interface Wire {
  /** Body bytes as sent. */
  bytes: number;
  /** The Content-Encoding the server answered with ("identity" when none). */
  encoding: string;
}

export interface AssetWeight {
  path: string;
  status: number;
  type: string;
  identity: Wire;
  gzip: Wire;
  br: Wire;
  /** gzip -9 of the body, done here: what compression could give when the server does none. */
  gzipLocal: number;
}

export interface PageWeight {
  path: string;
  /** The page itself and the assets it loads (paths into `assets`). */
  assets: string[];
  identity: number;
  gzip: number;
  br: number;
}

export interface PageWeights {
  pages: PageWeight[];
  assets: AssetWeight[];
}

function get(base: string, path: string, encoding: string, cookie?: string) {
  return new Promise<{ status: number; type: string; wire: Wire; body: Uint8Array }>((resolve, reject) => {
    const headers: Record<string, string> = { "accept-encoding": encoding };
    if (cookie) headers.cookie = cookie;
    const req = request(new URL(path, base), { headers }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () => {
        const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of chunks) body.set(c, at), at += c.length;
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers["content-type"] ?? "").split(";")[0],
          wire: { bytes: body.length, encoding: String(res.headers["content-encoding"] ?? "identity") },
          body,
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const SCRIPT_SRC = /<script[^>]*\bsrc="([^"]+)"/g;
const LINK_HREF = /<link[^>]*\brel="(?:stylesheet|modulepreload|preload)"[^>]*\bhref="([^"]+)"/g;
const INLINE_MODULE = /<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g;
/** Static imports only: a dynamic `import("…")` is an island chunk a page loads only when it has it. */
const STATIC_IMPORT = /(?:import|export)\s*(?:[^'"()]*?from\s*)?["']([^"']+\.m?js)["']/g;

/** Same-origin paths a page or script refers to (scripts, style sheets, imports). */
export function referencedPaths(text: string, at: string, base: string): string[] {
  const out: string[] = [];
  const add = (ref: string) => {
    const url = new URL(ref, new URL(at, base));
    if (url.origin === new URL(base).origin) out.push(url.pathname + url.search);
  };
  for (const m of text.matchAll(SCRIPT_SRC)) add(m[1]);
  for (const m of text.matchAll(LINK_HREF)) add(m[1]);
  for (const m of text.matchAll(INLINE_MODULE)) {
    for (const i of m[1].matchAll(STATIC_IMPORT)) add(i[1]);
  }
  for (const i of text.matchAll(STATIC_IMPORT)) add(i[1]);
  return [...new Set(out)];
}

async function weigh(base: string, path: string, cookie?: string): Promise<AssetWeight & { text: string }> {
  const plain = await get(base, path, "identity", cookie);
  const gzip = await get(base, path, "gzip", cookie);
  const br = await get(base, path, "br", cookie);
  return {
    path,
    status: plain.status,
    type: plain.type,
    identity: plain.wire,
    gzip: gzip.wire,
    br: br.wire,
    gzipLocal: gzipSync(plain.body, { level: 9 }).length,
    text: new TextDecoder().decode(plain.body),
  };
}

/** Weighs `pages` (HTML), everything they load, `extra` paths (JSON, widget.js) when they answer 200. */
export async function pageWeights(
  base: string,
  pages: string[],
  extra: string[],
  cookie?: string,
): Promise<PageWeights> {
  const assets = new Map<string, AssetWeight>();
  const refs = new Map<string, string[]>();
  const visit = async (path: string): Promise<void> => {
    if (assets.has(path)) return;
    const { text, ...weight } = await weigh(base, path, cookie);
    assets.set(path, weight);
    const isCode = weight.status === 200 && /html|javascript/.test(weight.type);
    refs.set(path, isCode ? referencedPaths(text, path, base) : []);
    for (const ref of refs.get(path)!) await visit(ref);
  };
  const closure = (path: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(path)) return seen;
    seen.add(path);
    for (const ref of refs.get(path) ?? []) closure(ref, seen);
    return seen;
  };
  const out: PageWeight[] = [];
  for (const path of pages) {
    await visit(path);
    if (assets.get(path)?.status !== 200) continue; // a page this build does not have
    const unique = [...closure(path)].filter((p) => assets.get(p)?.status === 200);
    const sum = (pick: (a: AssetWeight) => number) => unique.reduce((n, p) => n + pick(assets.get(p)!), 0);
    out.push({
      path,
      assets: unique,
      identity: sum((a) => a.identity.bytes),
      gzip: sum((a) => a.gzip.bytes),
      br: sum((a) => a.br.bytes),
    });
  }
  for (const path of extra) await visit(path);
  return { pages: out, assets: [...assets.values()].filter((a) => a.status === 200) };
}
