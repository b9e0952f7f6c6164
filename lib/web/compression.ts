/**
 * Response compression: brotli when the browser takes it, else gzip, for HTML, JS, CSS, JSON and
 * other text. Hono's `compress` speaks gzip and deflate only (it is built on `CompressionStream`,
 * which has no brotli), so brotli comes from `node:zlib`. Server-Sent Events stay as they are: a
 * compressor holds bytes back, and live counts must leave at once.
 */
import type { MiddlewareHandler } from "hono";
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/utils/compress";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip as gzipCb } from "node:zlib";
import type { AppEnv } from "@/lib/web/app_env.ts";

const brotli = promisify(brotliCompress);
const gzip = promisify(gzipCb);

export interface CompressionOptions {
  /** Bodies smaller than this are sent as they are (a header costs more than it saves). */
  threshold?: number;
}

/** Which encoding the request accepts best, of the two we make: "br", "gzip" or null. */
export function chooseEncoding(header: string | undefined): "br" | "gzip" | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    q.set(name.trim(), weight ? Number(weight.slice(2)) || 0 : 1);
  }
  const of = (name: string) => q.get(name) ?? q.get("*") ?? 0;
  if (of("br") > 0 && of("br") >= of("gzip")) return "br";
  return of("gzip") > 0 ? "gzip" : null;
}

/**
 * Built bundles never change under their URL: each compressed form is made once, at full strength
 * (brotli 11, gzip 9), and kept; there are a few dozen of them.
 */
const immutable = new Map<string, Uint8Array>();
const IMMUTABLE_MAX = 256;

/**
 * @example
 * app.use(compression());
 */
export function compression({ threshold = 1024 }: CompressionOptions = {}): MiddlewareHandler<AppEnv> {
  return async function compressionMiddleware(c, next) {
    await next();
    const res = c.res;
    const type = res.headers.get("content-type") ?? "";
    if (!COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) || !res.body || res.headers.has("content-encoding")) {
      return;
    }
    if (c.req.method === "HEAD" || res.status === 206 || res.status === 204 || res.status === 304) return;
    if (/no-transform/i.test(res.headers.get("cache-control") ?? "")) return;
    c.header("Vary", "Accept-Encoding", { append: true });
    const encoding = chooseEncoding(c.req.header("accept-encoding"));
    if (!encoding) return;
    const length = Number(res.headers.get("content-length") ?? NaN);
    const path = new URL(c.req.url).pathname;
    const built = path.startsWith("/static/build/");
    if (length < threshold && !built) return;
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    headers.set("content-encoding", encoding);
    const etag = headers.get("etag");
    if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
    const cacheKey = built ? `${encoding} ${c.req.url}` : null;
    if (encoding === "gzip" && !cacheKey) {
      c.res = new Response(res.body.pipeThrough(new CompressionStream("gzip")), {
        status: res.status,
        headers,
      });
      return;
    }
    let body = cacheKey ? immutable.get(cacheKey) : undefined;
    if (!body) {
      const raw = new Uint8Array(await res.arrayBuffer());
      // A bundle's chunk is compressed once, so even a small one is worth it.
      if (raw.byteLength < (cacheKey ? 64 : threshold)) {
        headers.delete("content-encoding");
        c.res = new Response(raw, { status: res.status, headers });
        return;
      }
      // Quality 5 for pages made per request (fast, most of the gain); the most for bundles made once.
      body = new Uint8Array(
        encoding === "gzip" ? await gzip(raw, { level: constants.Z_BEST_COMPRESSION }) : await brotli(raw, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: cacheKey ? constants.BROTLI_MAX_QUALITY : 5,
            [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
          },
        }),
      );
      if (cacheKey && immutable.size < IMMUTABLE_MAX) immutable.set(cacheKey, body);
    } else {
      await res.body.cancel();
    }
    c.res = new Response(body as Uint8Array<ArrayBuffer>, { status: res.status, headers });
  };
}
