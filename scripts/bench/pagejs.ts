/** The "≤ 30 KB gzip of JavaScript on any page" check: every script a page loads, followed through imports. */

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const SCRIPT_SRC = /<script[^>]*\bsrc="([^"]+)"/g;
const INLINE_MODULE = /<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g;
const STATIC_IMPORT =
  /(?:import|export)\s*(?:[^'"()]*?from\s*)?["']([^"']+\.m?js)["']|import\(["']([^"']+)["']\)/g;

/** Gzip bytes of all JavaScript one page pulls in (inline modules, src scripts and what they import). */
export async function pageJs(base: string, path: string, cookie?: string): Promise<number> {
  const res = await fetch(base + path, { headers: cookie ? { cookie } : {} });
  const html = await res.text();
  const seen = new Set<string>();
  let total = 0;
  const queue: string[] = [];
  const pageUrl = new URL(path, base);
  for (const m of html.matchAll(SCRIPT_SRC)) queue.push(new URL(m[1], pageUrl).href);
  for (const m of html.matchAll(INLINE_MODULE)) {
    total += await gzipSize(new TextEncoder().encode(m[1]));
    for (const i of m[1].matchAll(STATIC_IMPORT)) queue.push(new URL(i[1] ?? i[2], pageUrl).href);
  }
  while (queue.length) {
    const url = queue.pop()!;
    if (seen.has(url) || !url.startsWith(base)) continue;
    seen.add(url);
    const js = await fetch(url);
    if (!js.ok) {
      await js.body?.cancel();
      continue;
    }
    const text = await js.text();
    total += await gzipSize(new TextEncoder().encode(text));
    for (const i of text.matchAll(STATIC_IMPORT)) queue.push(new URL(i[1] ?? i[2], url).href);
  }
  return total;
}

/** Gzip bytes of one script by itself (widget.js, which other sites load). */
export async function scriptJs(base: string, path: string): Promise<number> {
  const res = await fetch(base + path);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return await gzipSize(new Uint8Array(await res.arrayBuffer()));
}

/** The heaviest page among those a guest can open. */
export async function maxPageJs(base: string, cookie: string, room?: string) {
  const paths = ["/", "/support", "/login", "/signup", ...(room ? [`/rooms/${room}`] : [])];
  const sizes: Record<string, number> = {};
  for (const p of paths) sizes[p] = await pageJs(base, p, cookie).catch(() => NaN);
  // What another site's page loads for the support bubble (the chat frame's own page is /widget).
  sizes["/widget.js"] = await scriptJs(base, "/widget.js").catch(() => NaN);
  const max = Math.max(...Object.values(sizes).filter(Number.isFinite));
  return { maxKB: max / 1000, pages: sizes };
}
