/**
 * (d) History, Parley only: a room of `size` messages seeded through the Store API, then the p99 of a
 * history page (`GET /api/rooms/:id/messages?before=SEQ`) and of join-with-`since` replaying 100 messages,
 * on the embedded KV store and on FerretDB (MongoDB wire protocol).
 */
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { openMongoStore } from "@/lib/store/mongo/mod.ts";
import type { Store } from "@/lib/store/types.ts";
import { startFerretDB } from "@/tests/support/ferretdb.ts";
import { guestCookie } from "./parley.ts";
import { type Launch, start } from "./servers.ts";
import { summarize } from "./stats.ts";

const SAMPLES = 200;
/**
 * Each series stops taking samples after this long (after at least one): a store that scans the whole
 * room per query (FerretDB's SQLite backend pushes no filter but `{_id}` down) would otherwise keep a
 * 1,000,000-message run going for hours. The sample count is reported beside the p99.
 */
const SERIES_BUDGET_MS = 60_000;

const withinBudget = (i: number, began: number) => i === 0 || performance.now() - began < SERIES_BUDGET_MS;
const REPLAY = 100;
/** Appends to one room race on its seq: in flight at once they only retry, so one at a time. */
const SEED_CONCURRENCY = 1;
/** Messages per `importMessages` call. */
const SEED_CHUNK = 10_000;
/**
 * FerretDB seeds at a few thousand messages a second here: a million would take most of the bench's
 * time budget on its own, so its room stops at this size (the table says how many messages it held).
 */
export const FERRETDB_HISTORY_MAX = 100_000;

interface Options {
  size: number;
  log: (line: string) => void;
  launch: Launch;
  readyMs: number[];
}

async function seed(store: Store, size: number, log: Options["log"]): Promise<string> {
  const room = await store.createRoom({
    name: `history ${Date.now()}`,
    visibility: "public",
    ownerId: "bench",
  });
  const author = { id: "bench", name: "bench", role: "guest" as const };
  const began = performance.now();
  const make = (i: number) => ({
    room: room.id,
    kind: "text" as const,
    author,
    clientId: `seed-${i}`,
    text: `message ${i}`,
  });
  if (store.importMessages) {
    // The bulk path: the same stored messages, thousands per write (seeding is not what is measured).
    for (let i = 0; i < size; i += SEED_CHUNK) {
      await store.importMessages(
        Array.from({ length: Math.min(SEED_CHUNK, size - i) }, (_, k) => make(i + k)),
      );
      if ((i / SEED_CHUNK) % 10 === 9) {
        log(
          `    seeded ${i + SEED_CHUNK} (${
            Math.round((i + SEED_CHUNK) / ((performance.now() - began) / 1000))
          }/s)`,
        );
      }
    }
  } else {
    let next = 0;
    const worker = async () => {
      while (next < size) {
        const i = next++;
        await store.appendMessage(make(i));
        if (i % 50_000 === 0 && i) {
          log(`    seeded ${i} (${Math.round(i / ((performance.now() - began) / 1000))}/s)`);
        }
      }
    };
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  }
  log(`    seeded ${size} messages in ${((performance.now() - began) / 1000).toFixed(0)} s`);
  return room.id;
}

async function time<T>(f: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

/** Join with `since` = last − 100, until the `joined` frame (which carries the replayed messages). */
async function joinTimes(base: string, cookie: string, room: string, last: number): Promise<number[]> {
  const init = { headers: { cookie } } as unknown as string[];
  const ws = new WebSocket(base.replace(/^http/, "ws") + "/ws", init);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("websocket to Parley failed"));
  });
  let waiting: ((frame: string) => void) | undefined;
  ws.onmessage = (e) => {
    for (const line of String(e.data).split("\n")) {
      if (line.startsWith('{"type":"joined"') || line.includes('"type":"joined"')) waiting?.(line);
    }
  };
  const times: number[] = [];
  const seriesBegan = performance.now();
  for (let i = 0; i < SAMPLES && withinBudget(i, seriesBegan); i++) {
    const began = performance.now();
    const frame = await new Promise<string>((resolve) => {
      waiting = resolve;
      ws.send(JSON.stringify({ type: "join", room, since: last - REPLAY }));
    });
    times.push(performance.now() - began);
    if (i === 0 && JSON.parse(frame).messages?.length !== REPLAY) {
      throw new Error("joined did not replay 100 messages");
    }
    ws.send(JSON.stringify({ type: "leave", room }));
    // Deno's WebSocket client leaves Nagle on and "leave" gets no reply: a join sent right after it
    // waits for the server's delayed ACK (~40 ms), which is the client's, not the server's, time.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  ws.close();
  return times;
}

async function measure(launch: Launch, room: string, size: number, readyMs: number[]) {
  const server = await start("parley", launch);
  readyMs.push(server.readyMs);
  try {
    const cookie = await guestCookie(server.base, "history");
    const pages: number[] = [];
    const seriesBegan = performance.now();
    for (let i = 0; i < SAMPLES && withinBudget(i, seriesBegan); i++) {
      const before = 1 + Math.floor(Math.random() * size);
      pages.push(
        await time(async () => {
          const res = await fetch(`${server.base}/api/rooms/${room}/messages?before=${before}&limit=50`, {
            headers: { cookie },
          });
          if (!res.ok) throw new Error(`history page: HTTP ${res.status}`);
          await res.json();
        }),
      );
    }
    const joins = await joinTimes(server.base, cookie, room, size);
    const page = summarize(pages), join = summarize(joins);
    return {
      messages: size,
      pageP50: page.p50,
      pageP99: page.p99,
      pageSamples: page.n,
      joinP50: join.p50,
      joinP99: join.p99,
      joinSamples: join.n,
    };
  } finally {
    await server.stop();
  }
}

type Measured = Awaited<ReturnType<typeof measure>>;

const describe = (m: Measured) =>
  `page p99 ${m.pageP99.toFixed(1)} ms (${m.pageSamples} samples), join p99 ${m.joinP99.toFixed(1)} ms ` +
  `(${m.joinSamples} samples)`;

export async function history(opts: Options): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const kvPath = opts.launch.env!.KV_PATH;
  opts.log(`parley: history on KV (${opts.size} messages)`);
  const kv = await openKvStore(kvPath);
  const kvRoom = await seed(kv, opts.size, opts.log).finally(() => kv.close());
  out.kv = await measure(opts.launch, kvRoom, opts.size, opts.readyMs);
  opts.log(`    KV: ${describe(out.kv as Measured)}`);

  const ferretSize = Math.min(opts.size, FERRETDB_HISTORY_MAX);
  opts.log(`parley: history on FerretDB (${ferretSize} messages)`);
  const ferret = await startFerretDB();
  try {
    const uri = `${ferret.uri.replace(/\/$/, "")}/parley_bench`;
    const mongo = await openMongoStore(uri);
    const room = await seed(mongo, ferretSize, opts.log).finally(() => mongo.close());
    const launch = { ...opts.launch, env: { ...opts.launch.env, MONGODB_URI: uri } };
    out.ferretdb = await measure(launch, room, ferretSize, []);
    opts.log(`    FerretDB: ${describe(out.ferretdb as Measured)}`);
  } catch (error) {
    // KV's figures stand on their own: a FerretDB failure is reported beside them, not instead.
    out.ferretdb = { error: (error as Error).message };
    opts.log(`    FerretDB failed: ${(error as Error).message}`);
  } finally {
    await ferret.stop();
  }
  return out;
}
