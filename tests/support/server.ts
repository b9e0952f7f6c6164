/**
 * Starts the real server for integration tests: what `deno task start` runs (`lib/ops/server.ts`: workers on
 * `node:http`, WebSockets by `ws`), or with `transport: "native"` `deno serve --parallel main.ts`
 * (Deno's own WebSocket, as `deno task dev` and Deno Deploy), on port 0 of 127.0.0.1 (it reports
 * the port it bound), with its own KV file in a temp dir, and waits until `/healthz` answers.
 */

import { listeningPort } from "./ports.ts";

const ROOT = new URL("../../", import.meta.url);

export interface StartServerOptions {
  /** Extra environment (LOG_LEVEL=warn and a temp KV_PATH are set unless given). */
  env?: Record<string, string>;
  /** Isolates (DENO_JOBS); default 2. */
  jobs?: number;
  /** Reuse a KV file (a restart); default a new temp dir. */
  kvPath?: string;
  /** Listen on this port (a restart on the same address); default a free one. */
  port?: number;
  /** "ws" (default): `lib/ops/server.ts`, as `deno task start`; "native": `deno serve --parallel main.ts`. */
  transport?: Transport;
}

export type Transport = "ws" | "native";

/** The command line of each transport's server on `port` of 127.0.0.1. */
export function serverArgs(transport: Transport, port: number): string[] {
  const at = ["--host", "127.0.0.1", "--port", String(port)];
  return transport === "native"
    ? ["serve", "--parallel", "-A", ...at, "main.ts"]
    : ["run", "-A", "lib/ops/server.ts", ...at];
}

export interface TestServer {
  url: string;
  wsUrl: string;
  pid: number;
  kvPath: string;
  /** What the process wrote to stdout and stderr so far. */
  output(): string;
  kill(signal?: Deno.Signal): void;
  /** SIGTERM, then SIGKILL after `graceMs`; removes the temp dir. Resolves with exit info. */
  stop(graceMs?: number): Promise<{ code: number; signal: Deno.Signal | null; ms: number }>;
}

/**
 * @example
 * const server = await startServer({ env: { RATE_BURST: "5" } });
 * try { ... } finally { await server.stop(); }
 */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const dir = options.kvPath ? null : await Deno.makeTempDir({ prefix: "parley-test-" });
  const kvPath = options.kvPath ?? `${dir}/parley.kv`;
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs(options.transport ?? "ws", options.port ?? 0),
    cwd: ROOT.pathname,
    env: {
      LOG_LEVEL: "warn",
      GUEST_SESSIONS_PER_MINUTE: "100000",
      // Every test client comes from 127.0.0.1: address-keyed limits are raised unless a test sets them.
      MAX_SOCKETS_PER_ADDRESS: "100000",
      ROOMS_PER_ADDRESS_PER_HOUR: "100000",
      DENO_JOBS: String(options.jobs ?? 2),
      KV_PATH: kvPath,
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const bound = Promise.withResolvers<number>();
  const drain = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(
      new WritableStream({
        write: (chunk) => {
          output += decoder.decode(chunk);
          const port = listeningPort(output);
          if (port !== undefined) bound.resolve(port);
        },
      }),
    ).catch(() => {});
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));

  const stop = async (graceMs = 8_000) => {
    const started = performance.now();
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, graceMs);
    const s = await status;
    clearTimeout(timer);
    await drained;
    if (dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    return { code: s.code, signal: s.signal, ms: Math.round(performance.now() - started) };
  };

  // Waits for the "Listening on" line (or the exit, or 30 s), then for /healthz to answer.
  let timer: number | undefined;
  const port = await Promise.race([
    bound.promise,
    status.then(() => undefined),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, 30_000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (port === undefined) {
    await stop(1_000);
    throw new Error(`server ${exited ? "exited during start-up" : "did not listen within 30 s"}:\n${output}`);
  }
  const url = `http://127.0.0.1:${port}`;
  // The isolates (workers) open the store before they listen, so /healthz answers now.
  const health = await fetch(`${url}/healthz`).catch((error) => error as Error);
  if (!(health instanceof Response) || !health.ok) {
    if (health instanceof Response) await health.body?.cancel();
    await stop(1_000);
    throw new Error(
      `server did not answer /healthz: ${
        health instanceof Error ? health.message : health.status
      }\n${output}`,
    );
  }
  await health.body?.cancel();
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    pid: child.pid,
    kvPath,
    output: () => output,
    kill: (signal = "SIGTERM") => child.kill(signal),
    stop,
  };
}

/**
 * Starts a server, runs `fn` with it and stops it; when `fn` throws, the server's own output is
 * printed first, so a failure in CI shows what the server logged.
 *
 * @example
 * await withServer(async (server) => { ... }, { env: { RATE_BURST: "5" } });
 */
export async function withServer<T>(
  fn: (server: TestServer) => Promise<T>,
  options: StartServerOptions = {},
): Promise<T> {
  const server = await startServer(options);
  try {
    return await fn(server);
  } catch (error) {
    console.error(`--- server output (last 8 KB) ---\n${server.output().slice(-8_192)}\n---`);
    throw error;
  } finally {
    await server.stop();
  }
}
