/**
 * Where attachments live. Two implementations: a folder (`folder.ts`, the default, `FILES_PATH`)
 * and an S3-compatible bucket (`s3.ts`, `S3_URL`) for many machines; both are held to the contract
 * suite in `contract.ts`. A FileStore keeps bytes under keys and knows nothing of rooms or types:
 * `files.ts` decides the keys and keeps each file's description beside it.
 */

export interface StoredBlob {
  body: ReadableStream<Uint8Array>;
  size: number;
}

export interface FileStore {
  readonly kind: "folder" | "s3";
  /** Stores `data` under `key` (letters, digits, `_ - .` and `/` between parts), replacing any. */
  put(key: string, data: Uint8Array): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<StoredBlob | null>;
  /** Removes `key`; removing a missing key is fine. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

/**
 * Throws a TypeError unless `key` is a plain relative key (no `..`, no leading `/`, no odd bytes).
 *
 * @example
 * assertKey("01J/01K.json"); // fine
 * assertKey("../etc/passwd"); // throws
 */
export function assertKey(key: string): void {
  if (typeof key !== "string" || key.length > 300 || !KEY.test(key) || key.split("/").includes("..")) {
    throw new TypeError(`bad file key: ${JSON.stringify(key)}`);
  }
}
