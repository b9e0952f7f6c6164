/**
 * Starts a throwaway FerretDB (MongoDB wire protocol over SQLite) for tests, building the binary once
 * when it is missing. FerretDB 1.24.2 is pinned: it is the last release with the SQLite handler, which
 * needs no PostgreSQL and no CGO.
 */
import { MongoClient } from "mongodb";
import { freePort } from "./ports.ts";

export const FERRETDB_VERSION = "v1.24.2";

export interface FerretDB {
  /** `mongodb://127.0.0.1:<port>/` */
  uri: string;
  stop(): Promise<void>;
  /** SIGSTOP: the port still accepts TCP but nothing answers, like a hung or partitioned database. */
  pause(): void;
  /** SIGCONT after {@link pause}. */
  resume(): void;
  /** SIGKILL and wait, keeping the data dir: a crash. Follow with {@link restart}. */
  kill(): Promise<void>;
  /** Starts again on the same port and data dir (after {@link kill}); resolves once it answers. */
  restart(): Promise<void>;
  /** Kills the server and removes its data at once, for `unload` handlers that cannot await. */
  stopSync(): void;
}

/** Where the binary lives: `$FERRETDB_BIN`, else under `$XDG_CACHE_HOME` (or `~/.cache`)`/parley/bin/`. */
export function ferretdbBinPath(): string {
  const explicit = Deno.env.get("FERRETDB_BIN");
  if (explicit) return explicit;
  const cache = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "."}/.cache`;
  // The name says which local patch is in the build, so an older unpatched binary is rebuilt.
  return `${cache}/parley/bin/ferretdb-${FERRETDB_VERSION}-idx`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[], options: Deno.CommandOptions = {}): Promise<string> {
  const out = await new Deno.Command(cmd, { ...options, args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err || text}`);
  }
  return text;
}

/**
 * Builds FerretDB from source into `bin`. `go install …@version` cannot be used: the module proxy
 * refuses its `@v/list` lookup here, and a build from the module cache has an empty version.txt,
 * which makes FerretDB panic at start. So: fetch the module into a temp module, copy it out of the
 * read-only cache, write the version, build without CGO.
 */
async function buildFerretDB(bin: string): Promise<void> {
  console.log(`building FerretDB ${FERRETDB_VERSION} (once)…`);
  const work = await Deno.makeTempDir({ prefix: "parley_ferretdb_build_" });
  try {
    const mod = `${work}/mod`;
    await Deno.mkdir(mod);
    await run("go", ["mod", "init", "parley.local/ferretdb"], { cwd: mod });
    await run("go", ["get", `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`], { cwd: mod });
    const dir = await run("go", ["list", "-m", "-f", "{{.Dir}}", "github.com/FerretDB/FerretDB"], {
      cwd: mod,
    });
    const src = `${work}/src`;
    await run("cp", ["-r", dir, src]);
    await run("chmod", ["-R", "u+w", src]);
    await Deno.writeTextFile(`${src}/build/version/version.txt`, FERRETDB_VERSION);
    await patchIdLookup(`${src}/internal/backends/sqlite/metadata/metadata.go`);
    await Deno.mkdir(bin.slice(0, bin.lastIndexOf("/")) || ".", { recursive: true });
    await run("go", ["build", "-o", bin, "./cmd/ferretdb"], {
      cwd: src,
      env: { CGO_ENABLED: "0" },
    });
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/**
 * FerretDB 1.24's SQLite backend writes its `_id` lookups as `_ferretdb_sjson->'$._id'` while its
 * `_id` index is on `_ferretdb_sjson->"_id"`; SQLite does not see those as one expression, so every
 * lookup scans the table (EXPLAIN QUERY PLAN says SCAN). Spelling the lookup `->'_id'` lets SQLite use
 * the index (SEARCH … USING INDEX), which keeps message reads flat as history grows. Test and
 * benchmark infrastructure only: Parley itself is an ordinary MongoDB client.
 */
async function patchIdLookup(file: string): Promise<void> {
  const source = await Deno.readTextFile(file);
  const patched = source.replace(`->'$._id'"`, `->'_id'"`);
  if (patched === source) {
    throw new Error(`FerretDB patch did not apply: no _id lookup expression in ${file}`);
  }
  await Deno.writeTextFile(file, patched);
}

/**
 * The FerretDB binary's path, building it first when it is missing (once per machine).
 *
 * @example
 * const bin = await ensureFerretDB();
 */
export async function ensureFerretDB(): Promise<string> {
  const bin = ferretdbBinPath();
  if (!(await exists(bin))) await buildFerretDB(bin);
  return bin;
}

/**
 * Resolves once FerretDB logs "Listening on TCP …" (it logs at info level for that line), then checks
 * one ping; throws if it exits first or stays silent for 20 s. Its ERROR lines are passed on
 * to stderr, the rest of its log is drained unread.
 */
async function waitForListening(uri: string, process: Deno.ChildProcess, exited: { done: boolean }) {
  const listening = Promise.withResolvers<boolean>();
  let pending = "";
  const decoder = new TextDecoder();
  process.stderr.pipeTo(
    new WritableStream({
      write(chunk) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          if (line.includes("Listening on TCP")) listening.resolve(true);
          else if (/\t(ERROR|DPANIC|PANIC|FATAL)\t/.test(line)) console.error(line);
        }
      },
    }),
  ).catch(() => {}).finally(() => listening.resolve(false));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ok = await Promise.race([
    listening.promise,
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 20_000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (!ok || exited.done) {
    if (!exited.done) process.kill("SIGKILL");
    throw new Error(exited.done ? "FerretDB exited during start-up" : "FerretDB did not listen within 20 s");
  }
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, directConnection: true });
  try {
    await client.connect();
    await client.db("admin").command({ ping: 1 });
  } catch (error) {
    process.kill("SIGKILL");
    throw new Error(`FerretDB listens but did not answer a ping: ${error}`);
  } finally {
    await client.close().catch(() => {});
  }
}

/**
 * Starts FerretDB on a free loopback port with a temp data dir.
 *
 * @example
 * const db = await startFerretDB();
 * try { ... new MongoClient(db.uri) ... } finally { await db.stop(); }
 */
export async function startFerretDB(): Promise<FerretDB> {
  const bin = await ensureFerretDB();
  const dataDir = await Deno.makeTempDir({ prefix: "parley_ferretdb_" });
  const port = freePort();
  const command = new Deno.Command(bin, {
    args: [
      "--handler=sqlite",
      // FerretDB wants a directory URL that ends with a slash.
      `--sqlite-url=file:${dataDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      "--telemetry=disable",
      "--log-level=info", // for the "Listening on" line; the rest is drained
      // "-" turns off the debug HTTP listener, whose fixed default port would clash between instances.
      "--debug-addr=-",
      // Otherwise FerretDB writes state.json into the current directory.
      `--state-dir=${dataDir}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  });
  const uri = `mongodb://127.0.0.1:${port}/`;
  // One running FerretDB at a time; restart() replaces it on the same port and data dir.
  let process: Deno.ChildProcess;
  let exited = { done: false };
  let status: Promise<Deno.CommandStatus>;
  const launch = async () => {
    process = command.spawn();
    const state = { done: false };
    exited = state;
    status = process.status.then((s) => {
      state.done = true;
      return s;
    });
    try {
      await waitForListening(uri, process, state);
    } catch (error) {
      await status;
      throw error;
    }
  };
  try {
    await launch();
  } catch (error) {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    throw error;
  }
  let stopped = false;
  return {
    uri,
    async stop() {
      if (stopped) return;
      stopped = true;
      // A paused process would ignore SIGTERM until continued.
      if (!exited.done) process.kill("SIGCONT");
      if (!exited.done) process.kill("SIGTERM");
      const timer = setTimeout(() => !exited.done && process.kill("SIGKILL"), 5_000);
      await status;
      clearTimeout(timer);
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
    pause() {
      if (!exited.done) process.kill("SIGSTOP");
    },
    resume() {
      if (!exited.done) process.kill("SIGCONT");
    },
    async kill() {
      if (!exited.done) process.kill("SIGKILL");
      await status;
    },
    async restart() {
      if (stopped) throw new Error("FerretDB was stopped");
      if (!exited.done) throw new Error("FerretDB is still running; kill() it first");
      await launch();
    },
    stopSync() {
      if (stopped) return;
      stopped = true;
      if (!exited.done) process.kill("SIGKILL");
      try {
        Deno.removeSync(dataDir, { recursive: true });
      } catch {
        // Already gone.
      }
    },
  };
}

/**
 * One FerretDB shared by every test of a file. Call `get()` at the file's top level (module load is
 * outside every test, so the running server is no test's leaked resource). Teardown is the process's
 * `unload` event, which kills it and removes its data: no "last test" that `--shuffle` could run
 * first. `stop()` is for a script that ends earlier. With `MONGODB_URI` set, that server is used and
 * nothing is started.
 *
 * @example
 * const db = sharedFerretDB();
 * const uri = await db.get(); // stopped when the test process unloads
 */
export function sharedFerretDB(): { get(): Promise<string>; stop(): Promise<void> } {
  let started: Promise<FerretDB> | undefined;
  let running: FerretDB | undefined;
  const onUnload = () => running?.stopSync();
  return {
    get() {
      const fromEnv = Deno.env.get("MONGODB_URI");
      if (fromEnv) return Promise.resolve(fromEnv);
      if (!started) {
        started = startFerretDB().then((db) => (running = db));
        globalThis.addEventListener("unload", onUnload);
      }
      return started.then((db) => db.uri);
    },
    async stop() {
      const db = await started?.catch(() => undefined);
      started = running = undefined;
      globalThis.removeEventListener("unload", onUnload);
      await db?.stop();
    },
  };
}
