/**
 * What an upload is, from its bytes (magic numbers, by `file-type`), never from its name or the
 * type the browser claimed; and a file name safe to show and to put in `Content-Disposition`.
 */
import { fileTypeFromBuffer } from "file-type";

/** Types Parley accepts; anything else is refused with 415. */
export const ACCEPTED_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "application/pdf",
  "application/zip",
  "application/gzip",
  "audio/mpeg",
  "audio/ogg",
  "audio/wav",
  "video/mp4",
  "video/webm",
  "text/plain",
]);

/** Images shown inline in the chat (with a thumbnail). */
export const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

/**
 * The type the bytes say, or `text/plain` for valid UTF-8 text without NUL bytes (text has no magic
 * number; HTML and SVG are text too, and are served as plain text, never as a page), else null.
 *
 * @example
 * await sniffType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...rest])); // "image/png"
 */
export async function sniffType(bytes: Uint8Array): Promise<string | null> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) return found.mime;
  if (bytes.includes(0)) return null;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return "text/plain";
  } catch {
    return null;
  }
}

/** Longest file name kept, in code points (the extension is kept when cut). */
const NAME_MAX = 120;

/**
 * A file name with its path parts, control characters, bidi overrides and reserved characters
 * taken out; never empty.
 *
 * @example
 * cleanFileName("../../etc/\u202Egpj.exe"); // "gpj.exe"
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    // C0/C1 controls, bidi embeddings/overrides/isolates, zero-width and BOM characters.
    // deno-lint-ignore no-control-regex -- control characters are what we remove
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, "")
    .replace(/["*:<>?|]/g, "_")
    .trim()
    .replace(/^\.+/, "");
  const chars = [...cleaned];
  if (chars.length <= NAME_MAX) return cleaned || "file";
  const dot = cleaned.lastIndexOf(".");
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  return chars.slice(0, NAME_MAX - [...ext].length).join("") + ext;
}
