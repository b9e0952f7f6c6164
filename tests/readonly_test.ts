/**
 * Deno Deploy readiness: the built app starts and serves from a read-only copy without writing a
 * byte. As root, `chmod a-w` stops nothing, so three proofs are combined:
 * 1. `--deny-write`: every write through Deno (Deno.*, node:fs, npm modules, KV with a path) fails;
 * 2. DENO_AUDIT_PERMISSIONS logs every permission check, even denied or swallowed ones: it must hold
 *    no write check, so no write was even attempted (Deno 2.9 also logs a "write" check right after
 *    the "read" check of every plain file open; such pairs are reads);
 * 3. the copy's files (names, sizes, modification times) are the same after as before, which also
 *    covers writes Deno itself might make outside permission checks (a lockfile, node_modules).
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { listeningPort } from "./support/ports.ts";

const ROOT = new URL("../", import.meta.url).pathname;
/** What Deploy needs at run time: the app, its config and lockfile, and the bundle built ahead. */
const SHIPPED = ["deno.json", "deno.lock", "main.ts", "lib", "routes", "islands", "components", "static"];

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function run(cmd: string, args: string[], cwd = ROOT): Promise<void> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

/** path → "size mtime" of every file under `dir`. */
async function snapshot(dir: string, prefix = ""): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) Object.assign(files, await snapshot(dir, rel));
    else {
      const info = await Deno.lstat(`${dir}/${rel}`);
      files[rel] = `${info.size} ${info.mtime?.getTime()}`;
    }
  }
  return files;
}

/** Runs `deno serve` in `dir` with writes denied and audited; checks the pages; returns the audit. */
async function serveReadOnly(dir: string, audit: string, env: Record<string, string>, extra: string[] = []) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["serve", "-A", "--deny-write", ...extra, "--host", "127.0.0.1", "--port", "0", "main.ts"],
    cwd: dir,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      LOG_LEVEL: "warn",
      DENO_AUDIT_PERMISSIONS: audit,
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Deno writes "Listening on http://127.0.0.1:PORT/" once main.ts has loaded and the port is bound.
  let stderrText = "";
  const bound = Promise.withResolvers<number | undefined>();
  const decoder = new TextDecoder();
  const output = Promise.all([
    new Response(child.stdout).text(),
    child.stderr.pipeTo(
      new WritableStream({
        write(chunk) {
          stderrText += decoder.decode(chunk, { stream: true });
          const port = listeningPort(stderrText);
          if (port !== undefined) bound.resolve(port);
        },
      }),
    ).then(() => (bound.resolve(undefined), stderrText)),
  ]);
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  let failure: Error | undefined;
  try {
    const port = await Promise.race([bound.promise, status.then(() => undefined)]);
    ok(port !== undefined && !exited, "the server listens");
    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/healthz`);
    equal(health.status, 200);
    const body = await health.json();
    equal(body.ok, true);
    deepEqual(body.store, { kind: "kv", state: "ok" });

    const home = await fetch(`${base}/`);
    equal(home.status, 200);
    ok((await home.text()).includes("<html"), "the lobby renders");
    const bundle = await fetch(`${base}/static/build/entry.en.js`);
    equal(bundle.status, 200, "the island bundle built ahead is served");
    await bundle.body?.cancel();

    // A guest and a room: the store takes writes (in KV, not in files).
    const session = await fetch(`${base}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nickname: "reader" }),
    });
    equal(session.status, 201);
    const cookie = session.headers.getSetCookie()[0].split(";")[0];
    const room = await fetch(`${base}/api/rooms`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ name: `ro-${crypto.randomUUID().slice(0, 8)}`, visibility: "public" }),
    });
    equal(room.status, 201, await room.clone().text());
    await room.body?.cancel();
  } catch (error) {
    failure = error as Error;
  } finally {
    try {
      child.kill("SIGTERM");
    } catch {
      // Exited already: its output says why.
    }
    await status;
  }
  const [stdout, stderr] = await output;
  if (failure) {
    throw new Error(`${failure.message}\n--- server output:\n${stdout}${stderr}`, { cause: failure });
  }
  if (stderr.includes("NotCapable")) throw new Error(`a write was refused:\n${stdout}${stderr}`);
  const lines = (await Deno.readTextFile(audit).catch(() => "")).split("\n").filter(Boolean);
  return lines.map((line) => JSON.parse(line) as AuditEntry);
}

Deno.test("[deploy] read-only - the built app serves without writing anything", async () => {
  if (
    !(await exists(`${ROOT}static/build/entry.en.js`)) || !(await exists(`${ROOT}lib/web/manifest.gen.ts`))
  ) {
    await run(Deno.execPath(), ["task", "build"]);
  }
  const tmp = await Deno.makeTempDir({ prefix: "parley_readonly_" });
  const app = `${tmp}/app`;
  const locationData = `${(await denoDir())}/location_data`;
  const before = new Set(await list(locationData));
  try {
    await Deno.mkdir(app);
    // node_modules too when there is one (a project with nodeModulesDir ships it).
    for (const name of [...SHIPPED, "node_modules"]) {
      if (await exists(`${ROOT}${name}`)) await run("cp", ["-a", `${ROOT}${name}`, app]);
    }
    await run("chmod", ["-R", "a-w", app]);
    const files = await snapshot(app);

    // The embedded store in memory, as tests and read-only hosts run it.
    const memory = await serveReadOnly(app, `${tmp}/audit1.jsonl`, { KV_PATH: ":memory:" });
    // As on Deno Deploy: DENO_DEPLOYMENT_ID set, no KV_PATH, so Deno.openKv() with no path. A fixed
    // --location gives that KV a place of its own in Deno's cache, removed below.
    const deploy = await serveReadOnly(app, `${tmp}/audit2.jsonl`, { DENO_DEPLOYMENT_ID: "readonly-test" }, [
      `--location=http://parley-readonly-${crypto.randomUUID().slice(0, 8)}.test/`,
    ]);
    for (const audit of [memory, deploy]) {
      ok(audit.length > 0, "the audit log records permission checks");
      const writes = attemptedWrites(audit);
      deepEqual(writes, [], `no write was attempted: ${JSON.stringify(writes)}`);
    }
    deepEqual(await snapshot(app), files, "the app's folder is unchanged");
  } finally {
    await run("chmod", ["-R", "u+w", tmp]).catch(() => {});
    await Deno.remove(tmp, { recursive: true });
    // The Deploy-mode run's KV file, in Deno's own cache (not the app's folder).
    for (const name of await list(locationData)) {
      if (!before.has(name)) {
        await Deno.remove(`${locationData}/${name}`, { recursive: true }).catch(() => {});
      }
    }
  }
});

type AuditEntry = { permission: string; value: string | null };

/** "write" checks that are not the second half of a read's open (see the file's comment). */
function attemptedWrites(audit: AuditEntry[]): AuditEntry[] {
  return audit.filter((e, i) =>
    e.permission === "write" && !(audit[i - 1]?.permission === "read" && audit[i - 1].value === e.value)
  );
}

async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

async function list(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch {
    // Not made yet.
  }
  return names;
}
