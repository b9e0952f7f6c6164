/**
 * Image size and thumbnail, made on upload with `sharp` (libvips, prebuilt binary from npm); see
 * docs/files.md for why on the server rather than in the browser.
 */
import sharp from "sharp";

/** Thumbnails fit in this square; the chat shows them at most this wide. */
export const THUMB_PX = 480;
/** Larger images are refused (decompression bombs): ~ 50 megapixels. */
const MAX_PIXELS = 50_000_000;

sharp.concurrency(1);

export interface ImageInfo {
  width: number;
  height: number;
  thumb: Uint8Array;
}

/**
 * The displayed size (after EXIF rotation) and a WebP thumbnail; null when the bytes do not decode.
 *
 * @example
 * const info = await imageInfo(bytes); // { width: 4000, height: 3000, thumb: Uint8Array(…) }
 */
export async function imageInfo(bytes: Uint8Array): Promise<ImageInfo | null> {
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_PIXELS, animated: false });
    const meta = await image.metadata();
    if (!meta.width || !meta.height) return null;
    const turned = (meta.orientation ?? 1) >= 5;
    const thumb = await image.rotate().resize(THUMB_PX, THUMB_PX, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 70 }).toBuffer();
    return {
      width: turned ? meta.height : meta.width,
      height: turned ? meta.width : meta.height,
      thumb: new Uint8Array(thumb),
    };
  } catch {
    return null;
  }
}
