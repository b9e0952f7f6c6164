/**
 * Attachments of rooms over a FileStore: each upload keeps three keys, `<room>/<id>` (the bytes),
 * `<room>/<id>.thumb` (images: a WebP thumbnail) and `<room>/<id>.json` (its description: name, type
 * from the bytes, size, pixel size, who uploaded it). A message carries the description as its `file`.
 */
import { ulid } from "ulid";
import type { FileRef } from "@/lib/shared/protocol.ts";
import { HttpError } from "@/lib/web/errors.ts";
import type { FileStore } from "./types.ts";
import { ACCEPTED_TYPES, cleanFileName, INLINE_IMAGES, sniffType } from "./detect.ts";
import { imageInfo } from "./images.ts";

/** A stored file's description. */
export interface FileMeta extends FileRef {
  room: string;
  uploader: string;
  at: string;
}

/** Where a room's file is served (members only). */
export function fileUrl(room: string, id: string): string {
  return `/api/rooms/${room}/files/${id}`;
}

export interface Upload {
  room: string;
  uploader: string;
  name: string;
  bytes: Uint8Array;
}

/**
 * Checks and stores an upload: its type from its bytes (415 when not accepted), its name cleaned,
 * images measured and thumbnailed. Returns what a message carries.
 *
 * @example
 * const file = await saveUpload(files, { room, uploader: user.id, name: "cat.png", bytes });
 */
export async function saveUpload(files: FileStore, upload: Upload): Promise<FileRef> {
  const type = await sniffType(upload.bytes);
  if (!type || !ACCEPTED_TYPES.has(type)) {
    throw new HttpError(415, "unsupported_type", "This kind of file cannot be sent");
  }
  const id = ulid();
  const url = fileUrl(upload.room, id);
  const ref: FileRef = { id, name: cleanFileName(upload.name), type, size: upload.bytes.length, url };
  const key = `${upload.room}/${id}`;
  if (INLINE_IMAGES.has(type)) {
    const image = await imageInfo(upload.bytes);
    if (!image) throw new HttpError(415, "unsupported_type", "This image cannot be read");
    Object.assign(ref, { width: image.width, height: image.height, thumbUrl: `${url}?thumb=1` });
    await files.put(`${key}.thumb`, image.thumb);
  }
  await files.put(key, upload.bytes);
  const meta: FileMeta = {
    ...ref,
    room: upload.room,
    uploader: upload.uploader,
    at: new Date().toISOString(),
  };
  // The description last: a file without one was never handed out and is never served.
  await files.put(`${key}.json`, new TextEncoder().encode(JSON.stringify(meta)));
  return ref;
}

/** A file's description, or null (none, or not of this room). */
export async function readMeta(files: FileStore, room: string, id: string): Promise<FileMeta | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(room) || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
  const blob = await files.get(`${room}/${id}.json`);
  if (!blob) return null;
  const meta = JSON.parse(await new Response(blob.body).text()) as FileMeta;
  return meta.room === room && meta.id === id ? meta : null;
}

/** The description as a message carries it (no uploader, no room). */
export function toFileRef({ room: _room, uploader: _uploader, at: _at, ...ref }: FileMeta): FileRef {
  return ref;
}

/** Removes a file and everything kept with it (a deleted message's attachment). */
export async function removeFile(files: FileStore, room: string, id: string): Promise<void> {
  const key = `${room}/${id}`;
  await files.delete(`${key}.json`);
  await Promise.all([files.delete(key), files.delete(`${key}.thumb`)]);
}
