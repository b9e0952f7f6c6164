/**
 * Starts each server under test (Parley and the four peers), installing the peers' toolchains on first
 * use: Node and Python peers into ~/.cache/parley/bench, the Centrifugo binary into ~/.cache/parley/bin
 * (built from the Go module proxy, like FerretDB). A peer that cannot be had comes back as a reason.
 */
import type { ServerKind } from "./protocols.ts";
import { processTree } from "./proc.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;
const PEERS = new URL("./peers/", import.meta.url).pathname;
const HOME_CACHE = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`;
const CACHE = `${HOME_CACHE}/parley/bench`;
export const CENTRIFUGO_VERSION = "v6.9.1";
/** The host site the bench's Parley lets frame its widget. */
export const WIDGET_HOST = "https://shop.example";
/** Where the Centrifugo binary is cached; scripts/test_deps.ts builds it too. */
export const CENTRIFUGO_BIN = `${HOME_CACHE}/parley/bin/centrifugo-${CENTRIFUGO_VERSION}`;

export interface Launch {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  version: string;
  /** How many cores the server can use, said the way its runtime sets it. */
  cores: string;
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
const ONE_PROCESS = "1 process, one event loop (1 core)";

async function installedVersion(dir: string, pkg: string): Promise<string> {
  const json = JSON.parse(await Deno.readTextFile(`${dir}/node_modules/${pkg}/package.json`));
  return json.version;
}

/** A Node peer: its package.json and server.mjs copied to the cache, `npm install`ed once. */
async function nodePeer(name: string, pkg: string): Promise<Launch | string> {
  const dir = `${CACHE}/${name}`;
  await Deno.mkdir(dir, { recursive: true });
  for (const f of ["package.json", "server.mjs"]) await Deno.copyFile(`${PEERS}${name}/${f}`, `${dir}/${f}`);
  if (!(await exists(`${dir}/node_modules/${pkg}`))) {
    const npm = await run("npm", ["install", "--no-audit", "--no-fund", "--silent"], dir);
    if (!npm.ok) return `npm install ${pkg}: ${lastLine(npm.text)}`;
  }
  const node = await run("node", ["--version"]);
  if (!node.ok) return `node: ${node.text}`;
  return {
    cmd: "node",
    args: [`${dir}/server.mjs`],
    version: `${pkg} ${await installedVersion(dir, pkg)}, node ${node.text.trim()}`,
    cores: ONE_PROCESS,
  };
}

async function fastapi(): Promise<Launch | string> {
  const venv = `${CACHE}/fastapi/venv`;
  if (!(await exists(`${venv}/bin/uvicorn`))) {
    const mk = await run("python3", ["-m", "venv", venv]);
    if (!mk.ok) return `python3 -m venv: ${lastLine(mk.text)}`;
    const pip = await run(`${venv}/bin/pip`, ["install", "-q", "-r", `${PEERS}fastapi/requirements.txt`]);
    if (!pip.ok) return `pip install fastapi uvicorn[standard]: ${lastLine(pip.text)}`;
  }
  const v = await run(`${venv}/bin/python`, [
    "-c",
    "import sys, fastapi, uvicorn; print(fastapi.__version__, uvicorn.__version__, sys.version.split()[0])",
  ]);
  const [fa, uv, py] = v.text.trim().split(" ");
  return {
    cmd: `${venv}/bin/uvicorn`,
    args: ["server:app", "--app-dir", `${PEERS}fastapi`, "--host", "127.0.0.1", "--log-level", "warning"],
    version: `fastapi ${fa}, uvicorn[standard] ${uv}, python ${py}`,
    cores: "1 uvicorn worker, one event loop (1 core)",
  };
}

/**
 * Builds Centrifugo into `bin`. `go install …@latest` fails here (the proxy refuses `@v/list`), so a
 * concrete version is fetched into a temp module and built from there, without CGO.
 */
export async function buildCentrifugo(bin: string): Promise<string> {
  const mod = await Deno.makeTempDir({ prefix: "centrifugo-build-" });
  try {
    await run("go", ["mod", "init", "bench/centrifugo"], mod);
    const env = { CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false" };
    const pkg = "github.com/centrifugal/centrifugo/v6";
    const get = await run("go", ["get", `${pkg}@${CENTRIFUGO_VERSION}`], mod, env);
    if (!get.ok) return `go get ${pkg}@${CENTRIFUGO_VERSION}: ${lastLine(get.text)}`;
    await Deno.mkdir(bin.slice(0, bin.lastIndexOf("/")), { recursive: true });
    const ldflags = `-X github.com/centrifugal/centrifugo/v6/internal/build.Version=${
      CENTRIFUGO_VERSION.slice(1)
    }`;
    const build = await run("go", ["build", "-ldflags", ldflags, "-o", bin, pkg], mod, env);
    return build.ok ? "" : `go build centrifugo: ${lastLine(build.text)}`;
  } finally {
    await Deno.remove(mod, { recursive: true });
  }
}

async function centrifugo(): Promise<Launch | string> {
  if (!(await exists(CENTRIFUGO_BIN))) {
    const failure = await buildCentrifugo(CENTRIFUGO_BIN);
    if (failure) return failure;
  }
  const gomaxprocs = Deno.env.get("GOMAXPROCS") ?? String(navigator.hardwareConcurrency);
  return {
    cmd: CENTRIFUGO_BIN,
    args: ["--config", `${PEERS}centrifugo/config.json`],
    version: `centrifugo ${CENTRIFUGO_VERSION} (go build, CGO_ENABLED=0), memory engine, history 1000`,
    cores: `GOMAXPROCS=${gomaxprocs}`,
  };
}

function parley(kvPath: string, extraEnv: Record<string, string>): Launch | string {
  try {
    Deno.statSync(`${ROOT}main.ts`);
  } catch {
    return "main.ts not found (Parley not written yet)";
  }
  const big = "1000000";
  // What `deno task start` runs (lib/ops/server.ts: workers, ws on node:http); PARLEY_TRANSPORT=native runs
  // `deno serve --parallel main.ts` (Deno's own WebSocket) for a side-by-side run.
  const native = Deno.env.get("PARLEY_TRANSPORT") === "native";
  const jobs = Deno.env.get("DENO_JOBS") ?? navigator.hardwareConcurrency;
  return {
    cmd: Deno.execPath(),
    args: native
      ? ["serve", "--parallel", "-A", "--port", "PORT", "main.ts"]
      : ["run", "-A", "lib/ops/server.ts", "--port", "PORT"],
    cwd: ROOT,
    env: {
      KV_PATH: kvPath,
      RATE_BURST: big,
      RATE_PER_SECOND: big,
      GUEST_SESSIONS_PER_MINUTE: big,
      MAX_SOCKETS_PER_SESSION: big,
      // Every connection comes from 127.0.0.1 and a few sessions: the abuse limits would be what is measured.
      MAX_SOCKETS_PER_ADDRESS: big,
      ROOMS_PER_USER_PER_HOUR: big,
      ROOMS_PER_ADDRESS_PER_HOUR: big,
      JOIN_BURST: big,
      JOINS_PER_SECOND: big,
      MAX_ROOMS_PER_SOCKET: big,
      // The widget's frame answers only for a listed site: the page-weight table weighs it as one would.
      WIDGET_ORIGINS: WIDGET_HOST,
      ...extraEnv,
    },
    version: native
      ? `parley ${commit()}, deno ${Deno.version.deno} serve --parallel (native WebSocket), Deno KV`
      : `parley ${commit()}, deno ${Deno.version.deno} lib/ops/server.ts (node:http + ws), Deno KV`,
    cores: native
      ? `${jobs} isolates (deno serve --parallel)`
      : `${jobs} workers (lib/ops/server.ts, reusePort)`,
  };
}

function commit(): string {
  try {
    const out = new Deno.Command("git", { args: ["rev-parse", "--short", "HEAD"], cwd: ROOT }).outputSync();
    return new TextDecoder().decode(out.stdout).trim() || "unknown";
  } catch {
    return "unknown";
  }
}

export function prepare(
  kind: ServerKind,
  opts: { kvPath: string; env?: Record<string, string> },
): Promise<Launch | string> {
  if (kind === "parley") {
    // "Ready to serve" is a warm start: fetching and compiling modules is a deploy step, not start-up.
    return run(Deno.execPath(), ["cache", "main.ts", "lib/ops/server.ts", "lib/ops/worker.ts"], ROOT).then(
      () => parley(opts.kvPath, opts.env ?? {}),
    );
  }
  if (kind === "socketio") return nodePeer("socketio", "socket.io");
  if (kind === "ws") return nodePeer("ws", "ws");
  return kind === "fastapi" ? fastapi() : centrifugo();
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
