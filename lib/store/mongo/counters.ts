/**
 * Throttle counters of the MongoDB store (`bumpCounter`, `readCounter`, `clearCounter`), correct on
 * FerretDB 1.24 too. There `$inc` is not atomic: `findOneAndUpdate`/`updateOne` read and then write
 * (FerretDB issue #2168; 50 concurrent `$inc` upserts were seen to end at 11, and racing upserts throw
 * E11000). What IS atomic is a unique `_id`, so a count is a run of claims: bump n inserts
 * `c:<n>:<id>`, and only one writer can. A writer tries n only when n-1 is known stored (from the
 * head, or because n-1 was a duplicate), so the claims of a counter are 1…k without a gap and every
 * bump returns a different count. The head `h:<id>` holds the counter's expiry and a lower bound of
 * k, raised after each claim, so a bump or a read costs a few exact `_id` lookups (the only filter
 * FerretDB's SQLite backend pushes down).
 *
 * FerretDB does not implement TTL indexes: expired documents are deleted here, at most once a minute
 * per store, and every read treats an expired counter as 0. On MongoDB a TTL index does it as well.
 */
import { type Collection, type Db, MongoServerError } from "mongodb";
import type { Store } from "../types.ts";
import { assertStrings } from "../records.ts";
import { isDuplicateKey } from "./docs.ts";

/** A head (`h:<id>`, with `n`) or a claim (`c:<n>:<id>`); the prefixes keep any two ids apart. */
interface CounterDoc {
  _id: string;
  /** A Date, so that MongoDB's TTL index applies. */
  expiresAt: Date;
  n?: number;
}

const headKey = (id: string) => `h:${id}`;
const claimKey = (id: string, n: number) => `c:${n}:${id}`;

const SWEEP_EVERY_MS = 60_000;

export interface MongoCounters extends Pick<Store, "bumpCounter" | "readCounter" | "clearCounter"> {
  /** Resolves when no sweep of expired counters is running (await it before closing the client). */
  settle(): Promise<void>;
}

/**
 * Asks for a TTL index on `counters`; a server that refuses it (FerretDB 1.24: "not implemented
 * yet") is fine, since the store deletes expired counters itself.
 *
 * @example
 * await createCounterIndexes(db);
 */
export async function createCounterIndexes(db: Db): Promise<void> {
  try {
    await db.collection<CounterDoc>("counters").createIndex({ expiresAt: 1 }, {
      name: "expiresAt_ttl",
      expireAfterSeconds: 0,
    });
  } catch (error) {
    if (!(error instanceof MongoServerError)) throw error;
  }
}

/**
 * The counter methods of a MongoDB store on `db`.
 *
 * @example
 * const counters = mongoCounters(db);
 * await counters.bumpCounter("login:mina:1", Date.now() + 60_000); // 1
 */
export function mongoCounters(db: Db): MongoCounters {
  const counters: Collection<CounterDoc> = db.collection("counters");
  const queues = new Map<string, Promise<unknown>>();
  let nextSweep = 0;
  let sweeping = Promise.resolve();

  /** Runs `task` after the earlier tasks on `id` of this process: they would only collide. */
  function serialize<T>(id: string, task: () => Promise<T>): Promise<T> {
    const run = (queues.get(id) ?? Promise.resolve()).then(task);
    const tail = run.then(() => {}, () => {});
    queues.set(id, tail);
    tail.then(() => queues.get(id) === tail && queues.delete(id));
    return run;
  }

  const live = (doc: CounterDoc | null, now: number) => doc !== null && doc.expiresAt.getTime() > now;

  /** The last claim of `id` at or after `from` (which is known stored, or 0). */
  async function lastClaim(id: string, from: number, now: number): Promise<number> {
    let n = from;
    while (live(await counters.findOne({ _id: claimKey(id, n + 1) }), now)) n++;
    return n;
  }

  async function clear(id: string): Promise<void> {
    const head = await counters.findOne({ _id: headKey(id) });
    const last = await lastClaim(id, head?.n ?? 0, Number.NEGATIVE_INFINITY);
    await counters.deleteOne({ _id: headKey(id) });
    await Promise.all(
      Array.from({ length: last }, (_, i) => counters.deleteOne({ _id: claimKey(id, i + 1) })),
    );
  }

  /** In the background: a scan on FerretDB (only `_id` is pushed down), which no request waits for. */
  function sweep(now: number): void {
    if (now < nextSweep) return;
    nextSweep = now + SWEEP_EVERY_MS;
    sweeping = counters.deleteMany({ expiresAt: { $lt: new Date(now) } }).then(() => {}, () => {});
  }

  return {
    bumpCounter(id, expiresAt) {
      assertStrings({ id });
      return serialize(id, async () => {
        const now = Date.now();
        let head = await counters.findOne({ _id: headKey(id) });
        if (head && !live(head, now)) {
          await clear(id);
          head = null;
        }
        const expiry = head?.expiresAt ?? new Date(expiresAt);
        let n = (head?.n ?? 0) + 1;
        for (;;) {
          try {
            await counters.insertOne({ _id: claimKey(id, n), expiresAt: expiry });
            break;
          } catch (error) {
            // Claim n is stored (another process got it first), so n + 1 may be tried.
            if (!isDuplicateKey(error)) throw error;
            n++;
          }
        }
        // Racing first upserts: one inserts, the other gets E11000 and goes again as an update.
        const raise = () =>
          counters.updateOne({ _id: headKey(id) }, { $max: { n }, $setOnInsert: { expiresAt: expiry } }, {
            upsert: true,
          });
        await raise().catch((error) => isDuplicateKey(error) ? raise() : Promise.reject(error));
        sweep(now);
        return n;
      });
    },

    async readCounter(id) {
      assertStrings({ id });
      const now = Date.now();
      const head = await counters.findOne({ _id: headKey(id) });
      if (head && !live(head, now)) return 0;
      // Claims past the head's n may be stored already (their head update is on its way).
      return await lastClaim(id, head?.n ?? 0, now);
    },

    clearCounter(id) {
      assertStrings({ id });
      return serialize(id, () => clear(id));
    },

    settle: () => sweeping,
  };
}
