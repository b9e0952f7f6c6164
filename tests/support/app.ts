/**
 * The whole app in-process for HTTP tests: `createApp(services)` on an in-memory KV store or a fresh
 * database on a MongoDB-compatible server, with a private BroadcastChannel and a real Hub.
 * `request()` wraps `app.request()` with a cookie jar and a chosen client address.
 */
import type { Hono } from "hono";
import type { AppEnv } from "@/lib/web/app_env.ts";
import type { Services } from "@/lib/ops/services.ts";
import type { Store } from "@/lib/store/types.ts";
import { loadConfig } from "@/lib/ops/config.ts";
import { createApp } from "@/lib/web/app.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { openMongoStore } from "@/lib/store/mongo/mod.ts";
import { createBroadcastBus } from "@/lib/bus/broadcast.ts";
import { Hub } from "@/lib/hub/hub.ts";
import { widgetParts } from "@/lib/support/widget.ts";
import { hubPlugins } from "@/lib/ops/boot.ts";
import { sharedFerretDB } from "@/tests/support/ferretdb.ts";
import { openFolderStore } from "@/lib/files/folder.ts";

export interface TestAppOptions {
  /** A MongoDB base URI (e.g. FerretDB's); the app gets its own database there, dropped on close. */
  mongoUri?: string;
  env?: Record<string, string>;
}

export interface TestApp {
  app: Hono<AppEnv>;
  services: Services;
  /** A browser-like client: keeps its own cookies, comes from `address`. */
  client(address?: string): TestClient;
  /** Serves the app on a free port of 127.0.0.1 (for WebSockets); `close()` stops it too. */
  listen(): { url: string; wsUrl: string };
  close(): Promise<void>;
}

export interface TestClient {
  cookie: string;
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POST a JSON body; the response's JSON (or null) with its status. */
  post(
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> | null; res: Response }>;
  get(path: string): Promise<{ status: number; json: Record<string, unknown> | null; res: Response }>;
}

/** The URI with its database path replaced by `name`. */
function withDatabase(uri: string, name: string): string {
  const [address, query] = uri.split("?");
  const host = address.replace(/^([a-z+]+:\/\/[^/]*).*$/i, "$1");
  return `${host}/${name}${query ? `?${query}` : ""}`;
}

let addressCounter = 0;

/**
 * @example
 * const t = await testApp();
 * try { const alice = t.client(); await alice.post("/api/signup", {...}); } finally { await t.close(); }
 */
export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  // The log module reads the process environment; tests want only warnings.
  if (!Deno.env.get("LOG_LEVEL")) Deno.env.set("LOG_LEVEL", "warn");
  // WebSockets of `listen()` all come from 127.0.0.1: sockets per address are raised unless set.
  const config = loadConfig({ MAX_SOCKETS_PER_ADDRESS: "100000", ...options.env });
  let store: Store;
  let drop = async () => {};
  if (options.mongoUri) {
    const name = `parley_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const mongo = await openMongoStore(withDatabase(options.mongoUri, name));
    store = mongo;
    drop = () => mongo.drop();
  } else {
    store = await openKvStore(":memory:");
  }
  const bus = createBroadcastBus(`parley_test_${crypto.randomUUID()}`);
  const widget = widgetParts(config, store, bus);
  // As openServices: the stored away flags are in before the app answers.
  await widget.availability.ready;
  const filesDir = await Deno.makeTempDir({ prefix: "parley_test_files_" });
  const files = await openFolderStore(filesDir);
  const hub = new Hub({ store, bus, config, plugins: hubPlugins(store, { widget, config }, files) });
  hub.start();
  const services: Services = { config, store, bus, hub, widget, files };
  const app = createApp(services);

  function client(address = `10.0.${(++addressCounter >> 8) & 255}.${addressCounter & 255}`): TestClient {
    const jar = new Map<string, string>();
    const c: TestClient = {
      get cookie() {
        return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
      },
      async request(path, init = {}) {
        const headers = new Headers(init.headers);
        if (jar.size > 0 && !headers.has("cookie")) headers.set("cookie", c.cookie);
        // getConnInfo (hono/deno) reads the address from the env, as `deno serve` passes it.
        const res = await app.request(path, { ...init, headers }, {
          remoteAddr: { hostname: address, port: 40000, transport: "tcp" },
        });
        for (const line of res.headers.getSetCookie()) {
          const [pair, ...attrs] = line.split(";");
          const eq = pair.indexOf("=");
          const name = pair.slice(0, eq).trim();
          const value = pair.slice(eq + 1).trim();
          const expired = attrs.some((a) =>
            /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a)
          );
          if (expired || value === "") jar.delete(name);
          else jar.set(name, value);
        }
        return res;
      },
      async post(path, body) {
        const res = await c.request(path, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        });
        return { status: res.status, json: await jsonOf(res), res };
      },
      async get(path) {
        const res = await c.request(path, { headers: { accept: "application/json" } });
        return { status: res.status, json: await jsonOf(res), res };
      },
    };
    return c;
  }

  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  return {
    app,
    services,
    client,
    listen() {
      server ??= Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        (req, info) => app.fetch(req, info),
      );
      const url = `http://127.0.0.1:${server.addr.port}`;
      return { url, wsUrl: `${url.replace("http", "ws")}/ws` };
    },
    async close() {
      await hub.shutdown();
      await server?.shutdown();
      await bus.close();
      try {
        await drop();
      } finally {
        await store.close();
        await Deno.remove(filesDir, { recursive: true }).catch(() => {});
      }
    },
  };
}

async function jsonOf(res: Response): Promise<Record<string, unknown> | null> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export type StoreKind = "kv" | "mongo";
export type OpenApp = (options?: Omit<TestAppOptions, "mongoUri">) => Promise<TestApp>;

/**
 * Registers a suite twice: on in-memory KV and on FerretDB (or `MONGODB_URI`), one fresh database
 * per app; the shared FerretDB stops when the test process unloads (no test of its own, so
 * `--shuffle` and filters cannot run a stop before the tests that need it).
 *
 * @example
 * onBothStores((kind, open) => Deno.test(`[x:${kind}] …`, async () => { const t = await open(); … }));
 */
export function onBothStores(suite: (kind: StoreKind, open: OpenApp) => void): void {
  suite("kv", (options) => testApp(options));
  const db = sharedFerretDB();
  suite("mongo", async (options) => testApp({ ...options, mongoUri: await db.get() }));
}
