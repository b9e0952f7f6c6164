/**
 * Uploads an attachment with progress: `fetch` cannot report upload progress, XMLHttpRequest can.
 * Browser-only (XMLHttpRequest, FormData); the answer is the server's `{file}` or an ApiError.
 */
import type { FileRef } from "@/lib/shared/protocol.ts";
import { ApiError } from "@/lib/browser/api_client.ts";

export interface UploadHandle {
  done: Promise<FileRef>;
  abort(): void;
}

/**
 * @example
 * const up = uploadFile(roomId, file, (sent, total) => console.log(sent / total));
 * const ref = await up.done;
 */
export function uploadFile(
  room: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<FileRef>((resolve, reject) => {
    xhr.open("POST", `/api/rooms/${encodeURIComponent(room)}/files`);
    xhr.setRequestHeader("accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded, e.total);
    xhr.onload = () => {
      const body = xhr.response;
      if (xhr.status === 201 && body?.file) return resolve(body.file as FileRef);
      const err = body?.error ?? {};
      reject(new ApiError(xhr.status, err.code ?? "http", err.message ?? `Upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "Could not reach the server"));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "Upload cancelled"));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
