/**
 * Starts a throwaway redis-server (Debian's /usr/bin/redis-server) on a loopback port for tests:
 * no persistence, and it dies with the test process (parent-death signal) if a test forgets it.
 */
import { freePort } from "./ports.ts";

const REDIS_SERVER = "/usr/bin/redis-server";
const SETPRIV = "/usr/bin/setpriv";

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM and wait for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash, for fault tests. Restart with `startRedis(samePort)`. */
  kill(): Promise<void>;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts redis-server on `port` (a free one if omitted) and resolves once it accepts connections.
 *
 * @example
 * const redis = await startRedis();
 * try { ... redis.url ... } finally { await redis.stop(); }
 */
export async function startRedis(port = freePort()): Promise<RedisServer> {
  if (!exists(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is missing: run \`apt-get install -y redis-server\``);
  }
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  // setpriv makes the kernel kill redis if this process dies without calling stop().
  const command = exists(SETPRIV)
    ? new Deno.Command(SETPRIV, { args: ["--pdeathsig", "KILL", REDIS_SERVER, ...args], stdout: "piped" })
    : new Deno.Command(REDIS_SERVER, { args, stdout: "piped" });
  const child = command.spawn();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  // Redis logs "Ready to accept connections" once it listens; the rest of its log is drained unread.
  let log = "";
  const ready = Promise.withResolvers<boolean>();
  const decoder = new TextDecoder();
  child.stdout.pipeTo(
    new WritableStream({
      write(chunk) {
        if (log.length < 65_536) log += decoder.decode(chunk, { stream: true });
        if (log.includes("Ready to accept connections")) ready.resolve(true);
      },
    }),
  ).catch(() => {}).finally(() => ready.resolve(false));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listening = await Promise.race([
    ready.promise,
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 5_000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (!listening || exited) {
    if (!exited) child.kill("SIGKILL");
    const s = await status;
    throw new Error(`redis-server did not start on 127.0.0.1:${port} (exit code ${s.code})\n${log}`);
  }

  const end = async (signal: Deno.Signal) => {
    if (!exited) child.kill(signal);
    await status;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
  };
}
