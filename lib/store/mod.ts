/**
 * Picks the store from configuration: MongoDB when a URI is given, else the embedded Deno KV file.
 */
import type { Store } from "./types.ts";
import { openKvStore } from "./kv/mod.ts";

export type { Store } from "./types.ts";

export interface StoreConfig {
  /** MongoDB (or compatible) URI; wins when set. */
  mongodbUri?: string;
  /** Deno KV file; its folder is made when missing. Unset: Deno's default (the only choice on Deploy). */
  kvPath?: string;
}

/**
 * Opens the configured store; `kvAppends`: a port to the KV file's one writer (lib/store/kv/writer.ts).
 * Throws ConfigError for a malformed MongoDB URI and StoreUnavailableError
 * (one line) when the database cannot be reached.
 *
 * @example
 * const store = await openStore({ mongodbUri: Deno.env.get("MONGODB_URI"), kvPath: "./data/parley.kv" });
 */
export async function openStore(
  config: StoreConfig,
  options: { kvAppends?: MessagePort } = {},
): Promise<Store> {
  if (config.mongodbUri) {
    // Loaded only when used: the driver's modules cost a KV deployment ~100 ms of start-up per isolate.
    const { openMongoStore } = await import("./mongo/mod.ts");
    return await openMongoStore(config.mongodbUri);
  }
  const path = config.kvPath;
  if (path && path !== ":memory:") {
    const slash = path.lastIndexOf("/");
    if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  }
  // "" (config.ts on Deno Deploy) also means Deno's default.
  return await openKvStore(path || undefined, { appends: options.kvAppends });
}
