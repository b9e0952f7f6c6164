/**
 * Several Parley processes on one FerretDB and one redis-server, as operators run them on several
 * machines: each process what `deno task start` runs (`lib/ops/server.ts`) on its own loopback port, with
 * MONGODB_URI and REDIS_URL.
 * For the multi-process and fault tests and the soak script.
 */
import { type FerretDB, startFerretDB } from "@/tests/support/ferretdb.ts";
import { type RedisServer, startRedis } from "@/tests/support/redis.ts";
import { startServer, type TestServer } from "@/tests/support/server.ts";
import { type MongoStore, openMongoStore } from "@/lib/store/mongo/mod.ts";
import type { Role } from "@/lib/shared/protocol.ts";

export interface ClusterOptions {
  processes?: number;
  /** Isolates per process (DENO_JOBS), one number for all or one per process. Default 1: the 2-core
   * CI machine runs several processes. */
  jobs?: number | number[];
  env?: Record<string, string>;
}

export interface Cluster {
  db: FerretDB;
  /** Replace it after a restart on the same port (`startRedis(port)`), so `stop()` stops that one. */
  redis: RedisServer;
  /** One slot per process; `null` while it is down. */
  servers: (TestServer | null)[];
  env: Record<string, string>;
  /** The base URL of a process that is up (the first one, unless `index` is given). */
  url(index?: number): string;
  /** `ws://…/ws` of every slot's current process. */
  wsUrls(): string[];
  /** Starts process `index` again (after a kill or stop), on a new port. */
  restart(index: number): Promise<TestServer>;
  /** SIGKILL of process `index`; waits until it is gone. */
  kill(index: number): Promise<void>;
  /** A direct connection to the database, for setting up and reading back. */
  store(): Promise<MongoStore>;
  /** A session made directly in the store (e.g. a counselor); returns its cookie. */
  session(name: string, role: Role): Promise<{ cookie: string; userId: string }>;
  stop(): Promise<void>;
}

/** Environment every test process gets: no rate limit in the way, quiet logs. */
export const LOAD_ENV = {
  RATE_BURST: "100000",
  RATE_PER_SECOND: "100000",
  GUEST_SESSIONS_PER_MINUTE: "100000",
  MAX_SOCKETS_PER_SESSION: "1000",
  MAX_SOCKETS_PER_ADDRESS: "100000",
  ROOMS_PER_ADDRESS_PER_HOUR: "100000",
  ROOMS_PER_USER_PER_HOUR: "100000",
  JOIN_BURST: "100000",
  JOINS_PER_SECOND: "100000",
  MAX_ROOMS_PER_SOCKET: "100000",
  LOG_LEVEL: "warn",
};

/**
 * @example
 * const cluster = await startCluster({ processes: 2 });
 * try { ... cluster.url(0) ... cluster.url(1) ... } finally { await cluster.stop(); }
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const [db, redis] = await Promise.all([startFerretDB(), startRedis()]);
  const env = { ...LOAD_ENV, MONGODB_URI: `${db.uri}parley`, REDIS_URL: redis.url, ...options.env };
  const jobsOf = (index: number) => (Array.isArray(options.jobs) ? options.jobs[index] : options.jobs) ?? 1;
  const servers: (TestServer | null)[] = [];
  let store: MongoStore | undefined;
  const start = (index: number) => startServer({ env, jobs: jobsOf(index) });
  const cluster: Cluster = {
    db,
    redis,
    servers,
    env,
    url(index) {
      const server = index === undefined ? servers.find((s) => s) : servers[index];
      if (!server) throw new Error(`process ${index ?? "any"} is down`);
      return server.url;
    },
    wsUrls: () => servers.filter((s): s is TestServer => s !== null).map((s) => s.wsUrl),
    async restart(index) {
      const server = await start(index);
      servers[index] = server;
      return server;
    },
    async kill(index) {
      const server = servers[index];
      servers[index] = null;
      if (!server) return;
      server.kill("SIGKILL");
      await server.stop(1_000);
    },
    async store() {
      store ??= await openMongoStore(env.MONGODB_URI);
      return store;
    },
    async session(name, role) {
      const s = await cluster.store();
      const id = crypto.randomUUID().replaceAll("-", "");
      const userId = `u_${crypto.randomUUID().slice(0, 12)}`;
      const now = Date.now();
      await s.putSession({
        id,
        userId,
        name,
        role,
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 86_400_000).toISOString(),
      });
      return { cookie: `parley_session=${id}`, userId };
    },
    async stop() {
      await Promise.all(servers.map((s) => s?.stop(3_000)));
      servers.fill(null);
      await store?.close();
      await Promise.all([db.stop(), cluster.redis.stop()]);
    },
  };
  try {
    const started = await Promise.all(Array.from({ length: options.processes ?? 2 }, (_, i) => start(i)));
    servers.push(...started);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
