/**
 * Starts a throwaway FerretDB, prints its URI on one line and runs until interrupted (Ctrl+C or
 * SIGTERM), then stops it and removes its data.
 *
 * @example
 * deno run -A tests/support/ferretdb_main.ts   # → mongodb://127.0.0.1:40123/
 */
import { startFerretDB } from "./ferretdb.ts";

const db = await startFerretDB();
console.log(db.uri);
const stop = async () => {
  await db.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
