/**
 * `deno task bench`: Parley and its peers side by side, on this machine, with the same load generator.
 * Flags: --quick, --only=parley,centrifugo,socketio,fastapi, --scenario=fanout,rooms,idle,history,
 * --json=out.json, --md=out.md, --clients=2. Loopback only; every server it starts, it stops.
 */
import { LoadGen } from "./bench/loadgen.ts";
import { type Ctx, fanout, idle, rooms, type Sizes, targetOf } from "./bench/scenarios.ts";
import { prepare, ROOT, type Running, start, stillRunning } from "./bench/servers.ts";
import { renderMarkdown, renderText, type Results, type ServerResult } from "./bench/report.ts";
import { maxPageJs } from "./bench/pagejs.ts";
import type { ServerKind } from "./bench/protocols.ts";

const flags = Object.fromEntries(Deno.args.map((a) => {
  const [k, v] = a.replace(/^--/, "").split("=");
  return [k, v ?? "true"];
}));
const quick = flags.quick === "true";
const only = (flags.only ?? "parley,centrifugo,socketio,fastapi").split(",") as ServerKind[];
const scenarios = (flags.scenario ?? "fanout,rooms,idle,history").split(",");
const clients = Number(flags.clients ?? 2);

const rates = [2, 5, 10, 20, 40, 70, 100, 150, 200, 300, 400, 600, 800, 1000, 1500, 2000, 3000, 4000, 6000];
const sizes: Sizes = quick
  ? {
    fanoutReaders: 200,
    fanoutSenders: 4,
    stepSeconds: 2,
    rates: rates.filter((r) => r >= 40).slice(0, 8),
    rooms: 50,
    roomSize: 10,
    roomsSeconds: 5,
    idle: 2000,
  }
  : {
    fanoutReaders: 1000,
    fanoutSenders: 10,
    stepSeconds: 5,
    rates,
    rooms: 500,
    roomSize: 10,
    roomsSeconds: 20,
    idle: 20000,
  };
const historySize = quick ? 10_000 : 1_000_000;
const SCENARIO_TIMEOUT_MS = (quick ? 3 : 15) * 60_000;

const log = (line: string) => console.error(line);

function machine() {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const mem = Number(Deno.readTextFileSync("/proc/meminfo").match(/MemTotal:\s+(\d+)/)?.[1] ?? 0);
  return {
    cpu: cpuinfo.match(/model name\s*:\s*(.+)/)?.[1] ?? "unknown CPU",
    cores: navigator.hardwareConcurrency,
    memory: `${Math.round(mem / 2 ** 20)} GiB`,
    os: `Linux ${Deno.osRelease()}`,
    deno: Deno.version.deno,
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

/** Each scenario gets a freshly started server, so one scenario's leftovers never weigh on the next. */
async function runServer(kind: ServerKind): Promise<ServerResult> {
  const result: ServerResult = { kind, status: "ok", readyMs: [], errors: {} };
  const kvDir = await Deno.makeTempDir({ prefix: "parley-bench-" });
  try {
    log(`${kind}: preparing`);
    const launch = await prepare(kind, { kvPath: `${kvDir}/parley.kv` });
    if (typeof launch === "string") return { ...result, status: `missing: ${launch}` };
    result.version = launch.version;
    for (const name of ["fanout", "rooms", "idle"].filter((s) => scenarios.includes(s))) {
      let server: Running | undefined;
      const gen = LoadGen.start(clients);
      try {
        server = await start(kind, launch);
        result.readyMs.push(server.readyMs);
        log(`${kind}: ${name} (ready in ${server.readyMs.toFixed(0)} ms)`);
        const ctx: Ctx = { server, gen, sizes, log };
        if (kind === "parley" && !result.pageJs) result.pageJs = await pageJsOf(server);
        const scenario: (c: Ctx) => Promise<unknown> = { fanout, rooms, idle }[name as "fanout"];
        Object.assign(result, { [name]: await withTimeout(scenario(ctx), `${kind} ${name}`) });
      } catch (e) {
        result.errors[name] = (e as Error).message;
        log(`${kind}: ${name} failed: ${(e as Error).message}`);
      } finally {
        await gen.stop();
        await server?.stop();
      }
    }
    if (kind === "parley" && scenarios.includes("history")) {
      try {
        const { history } = await import("./bench/history.ts");
        result.history = await withTimeout(
          history({ size: historySize, log, launch, readyMs: result.readyMs }),
          "history",
          4,
        );
      } catch (e) {
        result.errors.history = (e as Error).message;
        log(`parley: history failed: ${(e as Error).message}`);
      }
    }
    return result;
  } finally {
    await Deno.remove(kvDir, { recursive: true }).catch(() => {});
  }
}

async function pageJsOf(server: Running) {
  try {
    const target = await targetOf(server);
    return await maxPageJs(server.base, target.cookies![0]);
  } catch {
    return undefined;
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
  command: `deno task bench${Deno.args.length ? " " + Deno.args.join(" ") : ""}`,
  machine: machine(),
  generator:
    `${clients} Deno client processes (scripts/bench/client.ts) on the same machine, raw WebSockets; ` +
    `fan-out ${sizes.fanoutReaders} readers / ${sizes.fanoutSenders} senders, ${sizes.stepSeconds} s steps`,
  servers: [],
};
for (const kind of only) results.servers.push(await runServer(kind));

const jsonPath = flags.json ?? `${ROOT}scripts/bench/last-run.json`;
const mdPath = flags.md ?? `${ROOT}scripts/bench/last-run.md`;
await Deno.writeTextFile(jsonPath, JSON.stringify(results, null, 2));
await Deno.writeTextFile(mdPath, renderMarkdown(results) + "\n");
console.log(renderText(results));
console.log(`\nJSON: ${jsonPath}\nMarkdown: ${mdPath}`);
Deno.exit(0); // signal listeners must not keep the bench alive
