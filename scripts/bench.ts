/**
 * `deno task bench`: Parley and its peers side by side, on this machine, with the same load generator.
 * Flags (scripts/bench/options.ts): --quick, --only=parley,centrifugo,socketio,fastapi,ws,
 * --scenario=smallrooms,oneroom,fanout,rooms,idle,history,pages, --clients=2, --history-size=N,
 * --json=FILE, --md=FILE, --save (docs/bench/<date>.json and docs/benchmarks.md).
 * Loopback only; every server it starts, it stops.
 */
import { LoadGen } from "./bench/loadgen.ts";
import { type Ctx, fanout, idle, rooms, targetOf } from "./bench/scenarios.ts";
import { oneRoom, smallRooms } from "./bench/loops.ts";
import {
  type Launch,
  prepare,
  ROOT,
  type Running,
  start,
  stillRunning,
  WIDGET_HOST,
} from "./bench/servers.ts";
import { renderTable, type Results, type ServerResult, tables } from "./bench/report.ts";
import { historyTable, targets } from "./bench/summary.ts";
import { benchmarksPage } from "./bench/docs_page.ts";
import { newestRun, renderDocs } from "./bench/render.ts";
import { parseOptions, SCENARIOS } from "./bench/options.ts";
import { type PageWeights, pageWeights } from "./bench/pageweight.ts";
import { counselorCookie } from "@/tests/support/counselor_login.ts";
import { createRooms } from "./bench/parley.ts";
import { SERVER_KINDS, type ServerKind } from "./bench/protocols.ts";

const opts = (() => {
  try {
    return parseOptions(Deno.args);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    Deno.exit(2);
  }
})();
const { sizes, clients } = opts;
const SCENARIO_TIMEOUT_MS = (opts.quick ? 3 : 6) * 60_000;
const began = performance.now();

const log = (line: string) => console.error(line);
const loadavg = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
/** Share of the last minute some task waited for a CPU (Linux PSI): other work on the machine shows here. */
const cpuPressure = () => {
  try {
    return `${Deno.readTextFileSync("/proc/pressure/cpu").match(/some avg10=[\d.]+ avg60=([\d.]+)/)?.[1]}%`;
  } catch {
    return "unknown";
  }
};

function machine() {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const mem = Number(Deno.readTextFileSync("/proc/meminfo").match(/MemTotal:\s+(\d+)/)?.[1] ?? 0);
  return {
    cpu: cpuinfo.match(/model name\s*:\s*(.+)/)?.[1] ?? "unknown CPU",
    nproc: navigator.hardwareConcurrency,
    memory: `${Math.round(mem / 2 ** 20)} GiB`,
    os: `Linux ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    // Parley's KV file lives under it: on tmpfs (TMPDIR=/dev/shm) its commits skip the disk's fsync.
    storeDir: Deno.env.get("TMPDIR") ?? "/tmp",
    loadBefore: loadavg(),
    cpuPressureBefore: cpuPressure(),
  };
}

/** Seeding a million messages takes a while: history gets `factor` times the usual limit. */
function withTimeout<T>(p: Promise<T>, what: string, factor = 1): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), SCENARIO_TIMEOUT_MS * factor);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

const LOAD_SCENARIOS = { smallrooms: smallRooms, oneroom: oneRoom, fanout, rooms, idle } as const;

/**
 * Pages as a guest sees them on a store holding one room (its id is written `:id` so runs compare),
 * and the console as a counselor made in the server's KV file at `kvPath` sees it.
 */
async function pagesOf(server: Running, kvPath: string): Promise<PageWeights> {
  const target = await targetOf(server);
  const [room] = await createRooms(server.base, target.cookies![0], 1);
  const widget = `/widget?origin=${encodeURIComponent(WIDGET_HOST)}`;
  const pages = ["/", `/rooms/${room}`, "/support", "/login", "/signup", widget];
  const weights = await pageWeights(server.base, pages, ["/api/rooms", "/widget.js"], target.cookies![0]);
  const console = await pageWeights(
    server.base,
    ["/console"],
    [],
    await counselorCookie(server.base, kvPath),
  );
  const seen = new Set(weights.assets.map((a) => a.path));
  weights.pages.push(...console.pages);
  weights.assets.push(...console.assets.filter((a) => !seen.has(a.path)));
  return JSON.parse(JSON.stringify(weights).replaceAll(room, ":id"));
}

/** Scenarios that need only a started server and no load generator. */
async function once(kind: ServerKind, launch: Launch, result: ServerResult, name: string) {
  if (name === "history") {
    const { history } = await import("./bench/history.ts");
    const run = history({ size: opts.historySize, log, launch, readyMs: result.readyMs });
    result.history = await withTimeout(run, "history", 4);
    return;
  }
  // A store of its own: the rooms earlier scenarios made would weigh on the lobby page.
  const env = { ...launch.env, KV_PATH: `${launch.env?.KV_PATH}-pages` };
  const server = await start(kind, { ...launch, env });
  try {
    result.readyMs.push(server.readyMs);
    result.pages = await withTimeout(pagesOf(server, env.KV_PATH), "pages");
    log(`${kind}: pages weighed (${result.pages.assets.length} files)`);
  } finally {
    await server.stop();
  }
}

/** Each scenario gets a freshly started server, so one scenario's leftovers never weigh on the next. */
async function runServer(kind: ServerKind): Promise<ServerResult> {
  const result: ServerResult = { kind, status: "ok", readyMs: [], errors: {} };
  const kvDir = await Deno.makeTempDir({ prefix: "parley-bench-" });
  try {
    log(`${kind}: preparing`);
    const launch = await prepare(kind, { kvPath: `${kvDir}/parley.kv` });
    if (typeof launch === "string") return { ...result, status: `missing: ${launch}` };
    result.version = launch.version;
    result.cores = launch.cores;
    for (const name of opts.scenarios) {
      if ((name === "history" || name === "pages") && kind !== "parley") continue;
      let server: Running | undefined;
      let gen: LoadGen | undefined;
      try {
        if (name === "history" || name === "pages") {
          await once(kind, launch, result, name);
          continue;
        }
        gen = LoadGen.start(clients);
        server = await start(kind, launch);
        result.readyMs.push(server.readyMs);
        log(`${kind}: ${name} (ready in ${server.readyMs.toFixed(0)} ms)`);
        const ctx: Ctx = { server, gen, sizes, log };
        const scenario: (c: Ctx) => Promise<unknown> = LOAD_SCENARIOS[name];
        Object.assign(result, { [name]: await withTimeout(scenario(ctx), `${kind} ${name}`) });
      } catch (e) {
        result.errors[name] = (e as Error).message;
        log(`${kind}: ${name} failed: ${(e as Error).message}`);
      } finally {
        await gen?.stop();
        await server?.stop();
      }
    }
    return result;
  } finally {
    await Deno.remove(kvDir, { recursive: true }).catch(() => {});
  }
}

// Interrupted (Ctrl-C, a CI timeout): stop the servers started; client processes end with our stdin.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    Promise.all([...stillRunning].map((stop) => stop())).finally(() => Deno.exit(130));
  });
}

const results: Results = {
  date: new Date().toISOString().slice(0, 10),
  startedAt: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  command: `deno task bench${Deno.args.length ? " " + Deno.args.join(" ") : ""}`,
  machine: machine(),
  generator:
    `${clients} Deno client processes (scripts/bench/client.ts) on the same machine, raw WebSockets` +
    (opts.quick ? ", --quick sizes" : ""),
  servers: [],
};
for (const kind of opts.only) results.servers.push(await runServer(kind));
results.machine.loadAfter = loadavg();
results.machine.cpuPressureAfter = cpuPressure();
results.seconds = Math.round((performance.now() - began) / 1000);

// A narrowed run never overwrites the day's full run, which the docs page is meant to show.
const narrowed = opts.only.length < SERVER_KINDS.length || opts.scenarios.length < SCENARIOS.length;
const stampName = `${results.date}${opts.quick ? "-quick" : ""}${narrowed ? "-partial" : ""}`;
const jsonPath = opts.save ? `docs/bench/${stampName}.json` : opts.json ?? "scripts/bench/last-run.json";
const absolute = (p: string) => (p.startsWith("/") ? p : `${ROOT}${p}`);
await Deno.mkdir(absolute(jsonPath).replace(/\/[^/]+$/, ""), { recursive: true });
await Deno.writeTextFile(absolute(jsonPath), JSON.stringify(results, null, 2) + "\n");
let mdPath = opts.md ?? "scripts/bench/last-run.md";
if (opts.save) {
  // The page shows the newest run by name: the day's full run sorts after its quick and partial ones.
  mdPath = renderDocs(newestRun() ?? jsonPath).replace(ROOT, "");
} else {
  await Deno.writeTextFile(absolute(mdPath), benchmarksPage(results, jsonPath));
}
const history = historyTable(results);
const targetTable = { title: "Targets", head: ["target", "measured", ""], rows: targets(results) };
console.log(
  [...tables(results), ...(history ? [history] : []), targetTable]
    .map((t) => renderTable(t, false)).join("\n\n"),
);
for (const s of results.servers) {
  for (const [scenario, e] of Object.entries(s.errors)) console.log(`  ${s.kind} ${scenario}: ${e}`);
}
console.log(`\n${results.seconds} s. JSON: ${jsonPath}\nMarkdown: ${mdPath}`);
Deno.exit(0); // signal listeners must not keep the bench alive
