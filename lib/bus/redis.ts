/**
 * The bus between server processes on several machines: Redis pub/sub on one channel, with one
 * publishing connection and one subscribed duplicate. Each event travels in an envelope naming the
 * publishing node, so a node skips its own events ("every OTHER node", as BroadcastChannel does).
 * While Redis is away the clients reconnect by themselves with backoff; publishes meanwhile are
 * dropped and counted (the hub refills by seq gaps), never queued without bound.
 */
import { createClient } from "redis";
import type { Bus, BusEvent, BusListener } from "@/lib/bus/types.ts";
import { ConfigError } from "@/lib/ops/config_error.ts";

export interface RedisBusOptions {
  /** Pub/sub channel; every node of one deployment must use the same. Default "parley". */
  channel?: string;
  /** This node's id in envelopes; default a random UUID. */
  nodeId?: string;
  /** How long opening may take before it fails. Default 4000 ms. */
  openTimeoutMs?: number;
  /** Cap of the reconnect backoff (100 ms doubling). Default 3000 ms. */
  maxBackoffMs?: number;
  /** Publishes awaiting Redis's reply past this are dropped instead of queued. Default 10 000. */
  maxInFlight?: number;
  /** Where the one-line "went away" / "reconnected" notices go. Default console.warn. */
  log?: (line: string) => void;
}

/** A {@link Bus} with counters for metrics. */
export interface RedisBus extends Bus {
  readonly kind: "redis";
  readonly nodeId: string;
  /** Events not sent: published while disconnected, over `maxInFlight`, or failed in flight. */
  readonly dropped: number;
}

type Client = ReturnType<typeof createClient>;
interface Envelope {
  n: string;
  e: BusEvent;
}

/** `host:port` of a Redis URL, without credentials; throws ConfigError when it is not one. */
function address(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`invalid Redis URL "${url.replace(/\/\/[^@/]*@/, "//***@")}"`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ConfigError(`invalid Redis URL: it must start with redis:// or rediss://`);
  }
  return `${parsed.hostname || "localhost"}:${parsed.port || 6379}`;
}

/** Why a connection failed, in a few words. */
function reason(err: unknown): string {
  // connect() wraps the socket's error when the reconnect strategy gives up.
  const cause = (err as { socketError?: unknown })?.socketError ?? err;
  const e = cause as { code?: string; name?: string; message?: string };
  const text = `${e?.code ?? ""} ${e?.name ?? ""} ${e?.message ?? String(cause)}`;
  if (/ECONNREFUSED/.test(text)) return "connection refused";
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|failed to lookup/i.test(text)) return "host not found";
  if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return "host unreachable";
  if (/ConnectionTimeout|ETIMEDOUT|timed out/i.test(text)) return "timed out";
  if (/WRONGPASS|NOAUTH|invalid password/i.test(text)) return `authentication failed (${e.message})`;
  return (e?.message ?? String(cause)).split("\n")[0];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Quits a client politely if it is connected, cuts it otherwise; never throws. */
async function shut(client: Client): Promise<void> {
  try {
    if (client.isReady) await client.quit();
    else if (client.isOpen) await client.disconnect();
  } catch {
    // Already closing or closed: nothing left to release.
  }
}

/**
 * Connects to Redis and subscribes. Fails within `openTimeoutMs` with a one-line
 * {@link ConfigError} such as `cannot reach Redis at 127.0.0.1:6390: connection refused`.
 *
 * @example
 * const bus = await createRedisBus("redis://127.0.0.1:6379");
 * bus.subscribe((event) => console.log(event.t));
 * bus.publish({ t: "sync", node: bus.nodeId });
 * await bus.close();
 */
export async function createRedisBus(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
  const where = address(url);
  const channel = options.channel ?? "parley";
  const nodeId = options.nodeId ?? crypto.randomUUID();
  const openTimeoutMs = options.openTimeoutMs ?? 4000;
  const maxBackoffMs = options.maxBackoffMs ?? 3000;
  const maxInFlight = options.maxInFlight ?? 10_000;
  const log = options.log ?? ((line: string) => console.warn(line));

  const listeners = new Set<BusListener>();
  let opened = false;
  let closed = false;
  let down = false;
  let dropped = 0;
  let inFlight = 0;

  const pub: Client = createClient({
    url,
    // Commands issued while disconnected fail at once instead of waiting in an unbounded queue.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: openTimeoutMs,
      // Before the first connection, give up (so start-up fails fast); after it, retry forever.
      reconnectStrategy: (retries: number, cause: Error) =>
        opened ? Math.min(100 * 2 ** Math.min(retries, 10), maxBackoffMs) : cause,
    },
  });
  const sub: Client = pub.duplicate();

  const healthy = () => !closed && pub.isReady && sub.isReady;
  // Clients emit "error" on every failed attempt; unhandled it would crash the process. Log only
  // the transitions, once per outage.
  const onError = (err: unknown) => {
    if (!opened || closed || down) return;
    down = true;
    log(`[bus:redis] lost Redis at ${where} (${reason(err)}); reconnecting`);
  };
  const onReady = () => {
    if (down && healthy()) {
      down = false;
      log(`[bus:redis] reconnected to Redis at ${where}`);
    }
  };
  for (const client of [pub, sub]) client.on("error", onError).on("ready", onReady);

  const onMessage = (raw: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw);
    } catch {
      return; // Not ours: someone else wrote to the channel.
    }
    if (envelope?.n === nodeId || typeof envelope?.e?.t !== "string") return;
    for (const listener of [...listeners]) {
      try {
        listener(envelope.e);
      } catch (err) {
        console.error(`[bus:redis] listener failed on "${envelope.e.t}": ${err}`);
      }
    }
  };

  // Each connect gets its own catch: if one fails first, the other's later rejection must not
  // surface as an unhandled rejection.
  const open = async () => {
    const connecting = [pub.connect(), sub.connect()].map((p) => p.then(() => undefined));
    connecting.forEach((p) => p.catch(() => {}));
    await Promise.all(connecting);
    // A port that accepts TCP but is not Redis would otherwise look connected.
    await pub.ping();
    await sub.subscribe(channel, onMessage);
  };
  try {
    await withTimeout(open(), openTimeoutMs);
  } catch (err) {
    closed = true;
    await Promise.all([shut(pub), shut(sub)]);
    throw new ConfigError(`cannot reach Redis at ${where}: ${reason(err)}`);
  }
  opened = true;

  return {
    kind: "redis",
    nodeId,
    get dropped() {
      return dropped;
    },
    publish(event) {
      if (!healthy() || inFlight >= maxInFlight) {
        dropped++;
        return;
      }
      let payload: string;
      try {
        payload = JSON.stringify({ n: nodeId, e: event } satisfies Envelope);
      } catch {
        dropped++;
        return;
      }
      inFlight++;
      pub.publish(channel, payload).then(
        () => inFlight--,
        () => {
          inFlight--;
          dropped++;
        },
      );
    },
    subscribe(listener) {
      // Wrap so the same function subscribed twice is delivered twice and unsubscribed singly.
      const entry: BusListener = (event) => listener(event);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    healthy,
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await Promise.all([shut(sub), shut(pub)]);
    },
  };
}
