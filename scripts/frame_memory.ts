/**
 * How much one client address can raise the server's resident memory by sending huge WebSocket
 * frames (SPEC.md: at most 256 MiB). Starts the real server (what `deno task start` runs, 2 workers;
 * `--transport native`: `deno serve --parallel`, 2 isolates),
 * opens `--sockets` sockets with one guest cookie from one address, sends a `--mb` MB text frame on
 * each at once, and samples the server's RSS (`/proc/PID/status`) every 20 ms until every socket is
 * closed or answered. Prints the baseline, the peak and the rise.
 *
 *   deno run -A scripts/frame_memory.ts [--sockets 10] [--mb 60] [--env MAX_SOCKETS_PER_ADDRESS=10]
 *     [--transport ws|native]
 */
import { parseArgs } from "node:util";
import { startServer, type Transport } from "@/tests/support/server.ts";
import { guest } from "@/tests/support/client.ts";
import { loadConfig } from "@/lib/ops/config.ts";

export interface FrameMemoryOptions {
  sockets: number;
  /** Megabytes (10^6 bytes) of each frame. */
  mb: number;
  transport: Transport;
  /** Settings on top of the production defaults of the address limits. */
  env?: Record<string, string>;
}

export interface FrameMemory {
  baselineMiB: number;
  peakMiB: number;
  riseMiB: number;
  /** How each socket ended ("closed 1009", "closed 0", "error rate_limited", …), counted. */
  outcomes: Map<string, number>;
}

function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0) / 1024;
}

/**
 * Runs the measurement once on a fresh server (tests/memory_test.ts asserts the bound with it).
 *
 * @example
 * const { riseMiB } = await frameMemory({ sockets: 10, mb: 60, transport: "ws" });
 */
export async function frameMemory(o: FrameMemoryOptions): Promise<FrameMemory> {
  // The production defaults (tests/support/server.ts raises address limits for its loopback clients).
  const env = { MAX_SOCKETS_PER_ADDRESS: String(loadConfig({}).maxSocketsPerAddress), ...o.env };
  const server = await startServer({ env, transport: o.transport });
  try {
    const { cookie } = await guest(server.url, "memory");
    const baseline = rssMiB(server.pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid))), 20);
    const frame = "x".repeat(o.mb * 1_000_000);
    const ends = await Promise.all(Array.from({ length: o.sockets }, () =>
      new Promise<string>((resolve) => {
        // deno-lint-ignore no-explicit-any -- Deno's WebSocket takes headers as a second argument
        const ws = new (WebSocket as any)(server.wsUrl, { headers: { cookie } }) as WebSocket;
        const timer = setTimeout(() => (ws.close(), resolve("no answer in 30 s")), 30_000);
        ws.onopen = () => ws.send(frame);
        ws.onmessage = (e) => {
          const frame = JSON.parse(String(e.data).split("\n")[0]);
          if (frame.type === "error") (clearTimeout(timer), ws.close(), resolve(`error ${frame.code}`));
        };
        ws.onclose = (e) => (clearTimeout(timer), resolve(`closed ${e.code}`));
      })));
    // Let the sampler see the tail of the work (frees and late copies) after the last answer.
    const until = Date.now() + 1_000;
    while (Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    clearInterval(sampler);
    const outcomes = new Map<string, number>();
    for (const end of ends) outcomes.set(end, (outcomes.get(end) ?? 0) + 1);
    return { baselineMiB: baseline, peakMiB: peak, riseMiB: peak - baseline, outcomes };
  } finally {
    await server.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      sockets: { type: "string", default: "10" },
      mb: { type: "string", default: "60" },
      env: { type: "string", multiple: true, default: [] },
      transport: { type: "string", default: "ws" },
    },
  });
  const r = await frameMemory({
    sockets: Number(values.sockets),
    mb: Number(values.mb),
    transport: values.transport as Transport,
    env: Object.fromEntries(values.env.map((kv) => kv.split("=", 2) as [string, string])),
  });
  console.log(`${values.sockets} sockets × ${values.mb} MB from one address (${values.transport})`);
  console.log(`outcomes: ${[...r.outcomes].map(([o, n]) => `${n}× ${o}`).join(", ")}`);
  console.log(
    `RSS baseline ${r.baselineMiB.toFixed(0)} MiB, peak ${r.peakMiB.toFixed(0)} MiB, rise ${
      r.riseMiB.toFixed(0)
    } MiB (bound: 256 MiB)`,
  );
}
