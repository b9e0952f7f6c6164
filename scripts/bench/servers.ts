/**
 * Starts each server under test (Parley and the three peers), installing the peers' toolchains into
 * ~/.cache/parley/bench on first use. A peer that cannot be had comes back as `{ missing: reason }`.
 */
import type { ServerKind } from "./protocols.ts";
import { processTree } from "./proc.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;
const PEERS = new URL("./peers/", import.meta.url).pathname;
const CACHE = `${Deno.env.get("HOME")}/.cache/parley/bench`;
const CENTRIFUGO_V6 = ["v6.9.3", "v6.5.2", "v6.2.3"];
const CENTRIFUGO_V5 = "v5.4.9";

export interface Launch {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  version: string;
}

/** Stops of every server still running, so an interrupted bench leaves nothing behind. */
export const stillRunning = new Set<() => Promise<void>>();

export interface Running {
  kind: ServerKind;
  pid: number;
  base: string;
  readyMs: number;
  version: string;
  stop(): Promise<void>;
}

async function run(cmd: string, args: string[], cwd?: string, env?: Record<string, string>) {
  try {
    const out = await new Deno.Command(cmd, { args, cwd, env, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    return { ok: out.success, text };
  } catch (e) {
    return { ok: false, text: (e as Error).message };
  }
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const lastLine = (text: string) => text.trim().split("\n").filter(Boolean).pop() ?? "failed";

async function socketio(): Promise<Launch | string> {
  const dir = `${CACHE}/socketio`;
  await Deno.mkdir(dir, { recursive: true });
  for (const f of ["package.json", "server.mjs"]) await Deno.copyFile(`${PEERS}socketio/${f}`, `${dir}/${f}`);
  if (!(await exists(`${dir}/node_modules/socket.io`))) {
    const npm = await run("npm", ["install", "--no-audit", "--no-fund", "--silent"], dir);
    if (!npm.ok) return `npm install socket.io: ${lastLine(npm.text)}`;
  }
  const node = await run("node", ["--version"]);
  if (!node.ok) return `node: ${node.text}`;
  return { cmd: "node", args: [`${dir}/server.mjs`], version: `socket.io 4.8.1, node ${node.text.trim()}` };
}

async function fastapi(): Promise<Launch | string> {
  const venv = `${CACHE}/fastapi/venv`;
  if (!(await exists(`${venv}/bin/uvicorn`))) {
    const mk = await run("python3", ["-m", "venv", venv]);
    if (!mk.ok) return `python3 -m venv: ${lastLine(mk.text)}`;
    const pip = await run(`${venv}/bin/pip`, ["install", "-q", "-r", `${PEERS}fastapi/requirements.txt`]);
    if (!pip.ok) return `pip install fastapi uvicorn[standard]: ${lastLine(pip.text)}`;
  }
  return {
    cmd: `${venv}/bin/uvicorn`,
    args: ["server:app", "--app-dir", `${PEERS}fastapi`, "--host", "127.0.0.1", "--log-level", "warning"],
    version: "fastapi 0.115, uvicorn[standard] 0.34, 1 worker",
  };
}

/** `go install ...@latest` fails here (proxy 403 on @v/list): fetch a concrete version in a temp module. */
async function buildCentrifugo(dir: string): Promise<string> {
  const mod = await Deno.makeTempDir({ prefix: "centrifugo-build-" });
  try {
    await run("go", ["mod", "init", "bench/centrifugo"], mod);
    const env = { CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false" };
    const reasons: string[] = [];
    for (const [major, version] of [...CENTRIFUGO_V6.map((v) => ["v6", v]), ["v5", CENTRIFUGO_V5]]) {
      const pkg = `github.com/centrifugal/centrifugo/${major}`;
      const get = await run("go", ["get", `${pkg}@${version}`], mod, env);
      if (!get.ok) {
        reasons.push(`${version}: ${lastLine(get.text)}`);
        continue;
      }
      const build = await run("go", ["build", "-o", `${dir}/centrifugo`, pkg], mod, env);
      if (!build.ok) return `go build ${version}: ${lastLine(build.text)}`;
      await Deno.writeTextFile(`${dir}/version.txt`, version);
      return "";
    }
    return `go get centrifugo: ${reasons.join("; ")}`;
  } finally {
    await Deno.remove(mod, { recursive: true });
  }
}

async function centrifugo(): Promise<Launch | string> {
  const dir = `${CACHE}/centrifugo`;
  await Deno.mkdir(dir, { recursive: true });
  if (!(await exists(`${dir}/centrifugo`))) {
    const failure = await buildCentrifugo(dir);
    if (failure) return failure;
  }
  const version = (await Deno.readTextFile(`${dir}/version.txt`)).trim();
  const config = version.startsWith("v6") ? "config.json" : "config_v5.json";
  const note = version.startsWith("v6") ? "" : " (v6 not on the module proxy here)";
  return {
    cmd: `${dir}/centrifugo`,
    args: ["--config", `${PEERS}centrifugo/${config}`],
    version: `centrifugo ${version}${note}, memory engine, history on`,
  };
}

function parley(kvPath: string, extraEnv: Record<string, string>): Launch | string {
  try {
    Deno.statSync(`${ROOT}main.ts`);
  } catch {
    return "main.ts not found (Parley not written yet)";
  }
  const big = "1000000";
  return {
    cmd: Deno.execPath(),
    args: ["serve", "--parallel", "-A", "--port", "PORT", "main.ts"],
    cwd: ROOT,
    env: {
      KV_PATH: kvPath,
      RATE_BURST: big,
      RATE_PER_SECOND: big,
      GUEST_SESSIONS_PER_MINUTE: big,
      MAX_SOCKETS_PER_SESSION: big,
      // The load generator is one address opening thousands of sockets into many rooms.
      MAX_SOCKETS_PER_ADDRESS: big,
      ROOMS_PER_ADDRESS_PER_HOUR: big,
      ROOMS_PER_USER_PER_HOUR: big,
      JOIN_BURST: big,
      JOINS_PER_SECOND: big,
      MAX_ROOMS_PER_SOCKET: big,
      ...extraEnv,
    },
    version: `deno ${Deno.version.deno} serve --parallel`,
  };
}

export function prepare(
  kind: ServerKind,
  opts: { kvPath: string; env?: Record<string, string> },
): Promise<Launch | string> {
  if (kind === "parley") {
    // "Ready to serve" is a warm start: fetching and compiling modules is a deploy step, not start-up.
    return run(Deno.execPath(), ["cache", "main.ts"], ROOT).then(() => parley(opts.kvPath, opts.env ?? {}));
  }
  return kind === "socketio" ? socketio() : kind === "fastapi" ? fastapi() : centrifugo();
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Spawns the server and times "ready to serve": spawn until the first HTTP answer of any status. */
export async function start(kind: ServerKind, launch: Launch): Promise<Running> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = launch.args.map((a) => (a === "PORT" ? String(port) : a));
  const env: Record<string, string> = { ...launch.env, PORT: String(port) };
  if (kind === "centrifugo") {
    Object.assign(env, { CENTRIFUGO_HTTP_SERVER_PORT: String(port), CENTRIFUGO_PORT: String(port) });
  }
  if (kind === "fastapi") args.push("--port", String(port));
  const began = performance.now();
  const child = new Deno.Command(launch.cmd, {
    args,
    env,
    cwd: launch.cwd,
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    const pids = processTree(child.pid);
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    const timer = setTimeout(() =>
      pids.forEach((p) => {
        try {
          Deno.kill(p, "SIGKILL");
        } catch { /* gone */ }
      }), 5000);
    await child.status;
    clearTimeout(timer);
    stillRunning.delete(stop);
  };
  stillRunning.add(stop);
  while (true) {
    const status = await Promise.race([child.status, new Promise((r) => setTimeout(r, 10))]);
    if (status) throw new Error(`${kind} exited before it was ready`);
    if (performance.now() - began > 30_000) {
      await stop();
      throw new Error(`${kind} not ready after 30 s`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      break;
    } catch { /* not listening yet */ }
  }
  return { kind, pid: child.pid, base, readyMs: performance.now() - began, version: launch.version, stop };
}
