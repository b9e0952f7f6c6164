/** Picks the FileStore from configuration: the S3 bucket when `S3_URL` is set, else the folder. */
import type { FileStore } from "./types.ts";
import { openFolderStore } from "./folder.ts";

export type { FileStore } from "./types.ts";

/**
 * @example
 * const files = await openFileStore({ filesPath: "./data/files" });
 */
export async function openFileStore(config: { filesPath: string; s3Url?: string }): Promise<FileStore> {
  if (config.s3Url) {
    const { openS3Store, parseS3Url } = await import("./s3.ts");
    return await openS3Store(parseS3Url(config.s3Url));
  }
  return await openFolderStore(config.filesPath);
}
