/**
 * Soak test: several Parley processes on one FerretDB and one redis-server under mixed load, with
 * random client reconnects, a process killed (SIGKILL) and started again, and the database paused
 * (SIGSTOP … SIGCONT). At the end it reads every room's full history and counts
 *   lost    — acknowledged messages missing from the history, or sends never acknowledged;
 *   doubled — a text (one per clientId) stored twice, or a seq a client received twice;
 * plus seq gaps and deliveries a client never got. Exits 1 unless every count is zero.
 *
 *   deno run -A scripts/soak.ts                      # 60 s, what CI runs (tests/soak_test.ts)
 *   deno run -A scripts/soak.ts --duration=30m       # the long one
 *   options: --processes=3 --clients=12 --rooms=3 --rate=30 (messages a second, all clients)
 *            --faults=all|none|kill|pause|kill,pause (default all)
 *            --store=kv: one `deno task start` process (two workers) on a Deno KV file instead, acking
 *            from its journal; the kill takes the whole service down and it starts again on the
 *            same file, and the pause stops the server itself (there is no database process)
 */
import { parseArgs } from "node:util";
import { type Cluster, LOAD_ENV, startCluster } from "@/tests/support/cluster.ts";
import { startServer, type TestServer } from "@/tests/support/server.ts";
import { OutboxClient } from "@/tests/support/outbox_client.ts";
import { createRoom, fullHistory, guestCookie } from "@/tests/support/room_http.ts";
import { until } from "@/tests/support/changes.ts";
import type { NewMessage } from "@/lib/store/types.ts";

export interface SoakOptions {
  durationMs: number;
  processes: number;
  clients: number;
  rooms: number;
  /** Messages a second over all clients. */
  rate: number;
  /** Which faults to inject; default both. */
  faults?: { kill?: boolean; pause?: boolean };
  /** "mongo" (the default): processes on FerretDB and Redis; "kv": one process on a KV file. */
  store?: "mongo" | "kv";
  log?: (line: string) => void;
}

export interface SoakResult {
  sent: number;
  acked: number;
  stored: number;
  lost: number;
  unacked: number;
  doubled: number;
  gaps: number;
  undelivered: number;
  reconnects: number;
  events: string[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

/** What the soak needs of its servers: FerretDB and Redis processes, or one process on a KV file. */
type SoakCluster = Pick<Cluster, "servers" | "url" | "wsUrls" | "restart" | "kill" | "stop"> & {
  /** The database paused (SIGSTOP), or with KV the server itself. */
  pause(): void;
  resume(): void;
  /** A direct append, for the diagnosis of a stuck run. */
  probe(input: NewMessage): Promise<string>;
};

async function mongoCluster(processes: number): Promise<SoakCluster> {
  const cluster = await startCluster({ processes });
  return Object.assign(cluster, {
    pause: () => cluster.db.pause(),
    resume: () => cluster.db.resume(),
    probe: async (input: NewMessage) =>
      `seq ${(await (await cluster.store()).appendMessage(input)).message.seq}`,
  });
}

/** One `lib/ops/server.ts` with two workers on a KV file, started again on the same file. */
async function kvCluster(): Promise<SoakCluster> {
  const dir = await Deno.makeTempDir({ prefix: "parley-soak-kv-" });
  const start = () => startServer({ env: LOAD_ENV, jobs: 2, kvPath: `${dir}/parley.kv` });
  const servers: (TestServer | null)[] = [await start()];
  let last = servers[0]!.wsUrl;
  const up = () => {
    if (!servers[0]) throw new Error("the server is down");
    return servers[0];
  };
  return {
    servers,
    url: () => up().url,
    // While it is down, its last address: clients keep trying it (refused) until it is back.
    wsUrls: () => [servers[0]?.wsUrl ?? last],
    // Started again, it listens on a new port: the clients are told through wsUrls.
    restart: async () => (servers[0] = await start()),
    async kill() {
      const server = servers[0];
      servers[0] = null;
      if (server) last = server.wsUrl;
      server?.kill("SIGKILL");
      await server?.stop(1_000);
    },
    pause: () => Deno.kill(up().pid, "SIGSTOP"),
    resume: () => Deno.kill(up().pid, "SIGCONT"),
    probe: () => Promise.resolve("no direct append beside a KV server's journal"),
    async stop() {
      await servers[0]?.stop(3_000);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * @example
 * const result = await runSoak({ durationMs: 60_000, processes: 3, clients: 12, rooms: 3, rate: 30 });
 * if (result.lost + result.doubled > 0) Deno.exit(1);
 */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const events: string[] = [];
  const event = (what: string) => {
    const line = `${((Date.now() - started) / 1000).toFixed(1)}s ${what}`;
    events.push(line);
    log(`[soak] ${line}`);
  };
  const kv = o.store === "kv";
  const cluster = kv ? await kvCluster() : await mongoCluster(o.processes);
  const processes = kv ? 1 : o.processes;
  const clients: OutboxClient[] = [];
  const urls = cluster.wsUrls(); // shared by every client; updated in place after a restart
  try {
    const owner = await guestCookie(cluster.url(0), "soak-owner");
    const rooms: string[] = [];
    for (let r = 0; r < o.rooms; r++) {
      rooms.push(
        await createRoom(cluster.url(0), owner.cookie, `soak-${r}-${crypto.randomUUID().slice(0, 6)}`),
      );
    }
    for (let i = 0; i < o.clients; i++) {
      const { cookie } = await guestCookie(cluster.url(i % processes), `soak${i}`);
      clients.push(new OutboxClient({ urls, cookie, rooms, first: i % processes }));
    }
    await until(() => clients.every((c) => c.open), 20_000, "every client connected");
    event(
      `${
        kv ? "1 process on Deno KV" : `${processes} processes`
      }, ${o.clients} clients, ${o.rooms} rooms, ${o.rate} msg/s`,
    );

    // The faults, at fixed points of each cycle (one cycle per minute; a shorter run is one cycle):
    // a kill at 30 %, a database pause at 60 %, 3 s long, and in every second cycle 12 s, longer
    // than the store's bound on a call (so sends are answered `unavailable` and sent again).
    const cycleMs = Math.min(o.durationMs, 60_000);
    const faults = (async () => {
      for (let cycle = 0; (cycle + 1) * cycleMs <= o.durationMs; cycle++) {
        const at = (share: number) =>
          sleep(Math.max(0, cycle * cycleMs + cycleMs * share - (Date.now() - started)));
        await at(0.3);
        if (o.faults?.kill !== false) {
          const victim = kv ? 0 : 1 + Math.floor(Math.random() * (processes - 1));
          event(`SIGKILL process ${victim}`);
          await cluster.kill(victim);
          urls.splice(0, urls.length, ...cluster.wsUrls());
          await sleep(3_000);
          await cluster.restart(victim);
          urls.splice(0, urls.length, ...cluster.wsUrls());
          event(`process ${victim} started again`);
        }
        await at(0.6);
        if (o.faults?.pause === false) continue;
        const pauseMs = cycle % 2 === 0 ? 3_000 : 12_000;
        const what = kv ? "server" : "database";
        event(`${what} paused (SIGSTOP) for ${pauseMs / 1000} s`);
        cluster.pause();
        await sleep(pauseMs);
        cluster.resume();
        event(`${what} resumed (SIGCONT)`);
      }
    })();

    let sent = 0;
    let reconnects = 0;
    const end = started + o.durationMs;
    const tickMs = 50;
    let due = 0;
    while (Date.now() < end) {
      due += (o.rate * tickMs) / 1000;
      for (; due >= 1; due--) {
        const id = crypto.randomUUID().slice(0, 18);
        pick(clients).send(pick(rooms), id, id);
        sent++;
      }
      // About one reconnect a second somewhere.
      if (Math.random() < tickMs / 1000) {
        pick(clients).drop();
        reconnects++;
      }
      if (Math.random() < tickMs / 3000) pick(clients).sendTyping(pick(rooms));
      await sleep(tickMs);
    }
    await faults;
    event(`load stopped after ${sent} sends; draining`);

    await until(() => clients.every((c) => c.outbox.size === 0), 60_000, "every send acknowledged").catch(
      () => {},
    );
    event("drained");
    if (clients.some((c) => c.outbox.size > 0)) {
      for (const [i, server] of cluster.servers.entries()) {
        const h = await fetch(`${server?.url}/healthz`, { signal: AbortSignal.timeout(3000) })
          .then((r) => r.text(), (e) => String(e));
        log(`[soak] process ${i} ${server?.url}: ${h.slice(0, 160)}`);
        log(`[soak] process ${i} output: ${server?.output().slice(-1500)}`);
      }
      for (const room of rooms) {
        const t = Date.now();
        const r = await Promise.race([
          cluster.probe({
            room,
            kind: "text",
            author: { id: "probe", name: "p", role: "guest" },
            clientId: `p-${t}`,
            text: `probe-${t}`,
          }).catch((e) => String(e)),
          sleep(5000).then(() => "hung 5 s"),
        ]);
        log(`[soak] direct append to ${room}: ${r} (${Date.now() - t} ms)`);
      }
    }
    for (const c of clients) {
      if (c.outbox.size === 0) continue;
      log(
        `[soak] stuck: ${c.url} open=${c.open} opens=${c.opens} joined=${c.joinedRooms} outbox=${c.outbox.size} ` +
          `errors=${JSON.stringify(c.errors.slice(-2))} closes=${c.closeCodes.slice(-3)}`,
      );
    }
    const unacked = clients.reduce((n, c) => n + c.outbox.size, 0);
    const histories = new Map<string, Awaited<ReturnType<typeof fullHistory>>>();
    for (const room of rooms) histories.set(room, await fullHistory(cluster.url(0), owner.cookie, room));
    await until(
      () => clients.every((c) => rooms.every((r) => c.lastSeq(r) >= histories.get(r)!.length)),
      30_000,
      "every client caught up",
    ).catch(() => {});
    // Read again: an ack that came during the wait above is for a message stored after the first read.
    for (const room of rooms) histories.set(room, await fullHistory(cluster.url(0), owner.cookie, room));

    let stored = 0, lost = 0, doubled = 0, gaps = 0, undelivered = 0, acked = 0;
    const textSeq = new Map<string, number>();
    for (const [room, history] of histories) {
      stored += history.length;
      history.forEach((m, i) => {
        if (m.seq !== i + 1) gaps++;
        if (textSeq.has(`${room}:${m.text}`)) doubled++;
        textSeq.set(`${room}:${m.text}`, m.seq);
      });
      for (const c of clients) {
        const got = c.received.get(room)!;
        for (const m of history) if (!got.has(m.seq)) undelivered++;
      }
    }
    for (const c of clients) {
      doubled += c.doubled.length;
      for (const [clientId, seq] of c.acked) {
        acked++;
        const hit = [...histories.keys()].some((room) => textSeq.get(`${room}:${clientId}`) === seq);
        if (!hit) lost++;
      }
    }
    lost += unacked;
    return {
      sent,
      acked,
      stored,
      lost,
      unacked,
      doubled,
      gaps,
      undelivered,
      reconnects,
      events,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await cluster.stop();
  }
}

/**
 * `--faults=`: "all" (the default), "none", or a comma list of "kill" and "pause".
 *
 * @example
 * parseFaults("kill"); // { kill: true, pause: false }
 */
export function parseFaults(text: string): { kill: boolean; pause: boolean } {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.includes("all")) return { kill: true, pause: true };
  const unknown = names.filter((n) => n !== "none" && n !== "kill" && n !== "pause");
  if (unknown.length) throw new Error(`unknown fault "${unknown[0]}": use all, none, kill, pause`);
  return { kill: names.includes("kill"), pause: names.includes("pause") };
}

/** "90s", "5m", "1h" or plain milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`bad duration "${text}": use e.g. 60s, 5m, 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "ms"]!;
  return Number(match[1]) * unit;
}

if (import.meta.main) {
  const { values: flags } = parseArgs({
    args: Deno.args,
    options: {
      duration: { type: "string", default: "60s" },
      processes: { type: "string", default: "3" },
      clients: { type: "string", default: "12" },
      rooms: { type: "string", default: "3" },
      rate: { type: "string", default: "30" },
      faults: { type: "string", default: "all" },
      store: { type: "string", default: "mongo" },
    },
  });
  const result = await runSoak({
    durationMs: parseDuration(flags.duration),
    processes: Math.max(2, Number(flags.processes)),
    clients: Number(flags.clients),
    rooms: Number(flags.rooms),
    rate: Number(flags.rate),
    faults: parseFaults(flags.faults),
    store: flags.store === "kv" ? "kv" : "mongo",
  });
  const { events: _events, ...counts } = result;
  console.log(JSON.stringify(counts));
  const bad = result.lost + result.doubled + result.gaps + result.undelivered;
  console.log(bad === 0 ? "soak: OK — nothing lost, nothing doubled" : "soak: FAILED");
  Deno.exit(bad === 0 ? 0 : 1);
}
