/**
 * Throttle counters of the KV store: `["counter", id] → {n, expiresAt}`, bumped by an atomic
 * check-and-set, so isolates and processes sharing the file never hand out one count twice. KV drops
 * a counter some time after `expireIn`; until then reads see its `expiresAt` and count it as 0.
 */
import type { Store } from "../types.ts";
import { assertStrings } from "../records.ts";
import { retryAtomic } from "./retry.ts";

interface StoredCounter {
  n: number;
  /** Epoch ms. */
  expiresAt: number;
}

const live = (value: StoredCounter | null, now: number) => value && value.expiresAt > now ? value : null;

/**
 * The counter methods of a KV store on `kv`.
 *
 * @example
 * const counters = kvCounters(await Deno.openKv(":memory:"));
 * await counters.bumpCounter("login:mina:1", Date.now() + 60_000); // 1
 */
export function kvCounters(kv: Deno.Kv): Pick<Store, "bumpCounter" | "readCounter" | "clearCounter"> {
  return {
    async bumpCounter(id, expiresAt) {
      assertStrings({ id });
      const key = ["counter", id];
      return await retryAtomic(async () => {
        const entry = await kv.get<StoredCounter>(key);
        const now = Date.now();
        const current = live(entry.value, now);
        const next = { n: (current?.n ?? 0) + 1, expiresAt: current?.expiresAt ?? expiresAt };
        const expireIn = Math.max(1, next.expiresAt - now);
        return (await kv.atomic().check(entry).set(key, next, { expireIn }).commit()).ok ? next.n : undefined;
      });
    },

    async readCounter(id) {
      assertStrings({ id });
      return live((await kv.get<StoredCounter>(["counter", id])).value, Date.now())?.n ?? 0;
    },

    async clearCounter(id) {
      assertStrings({ id });
      await kv.delete(["counter", id]);
    },
  };
}
