/**
 * The headers a stored file is served with: the type found from its bytes, `nosniff`, a download
 * for anything but an image, and a CSP sandbox, so an uploaded HTML or SVG never runs as Parley.
 */
import type { FileMeta } from "./files.ts";
import { INLINE_IMAGES } from "./detect.ts";

/** No script, no plugin, no form, no frame: the response is a document of another, opaque origin. */
export const FILE_CSP =
  "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/**
 * @example
 * new Response(blob.body, { headers: fileHeaders(meta, blob.size, false) });
 */
export function fileHeaders(meta: FileMeta, size: number, thumb: boolean): Headers {
  const inline = thumb || INLINE_IMAGES.has(meta.type);
  const headers = new Headers({
    "content-type": thumb
      ? "image/webp"
      : meta.type === "text/plain"
      ? "text/plain; charset=utf-8"
      : meta.type,
    "content-length": String(size),
    "content-disposition": `${inline ? "inline" : "attachment"}; ${dispositionName(meta.name)}`,
    "x-content-type-options": "nosniff",
    "content-security-policy": FILE_CSP,
    "cross-origin-resource-policy": "same-origin",
    // Members only: a shared cache must never keep it; the browser may (ids are never reused).
    "cache-control": "private, max-age=86400, immutable",
  });
  return headers;
}

/** `filename="…"` (ASCII fallback) and `filename*=UTF-8''…` (the real name, RFC 6266 / 8187). */
function dispositionName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
