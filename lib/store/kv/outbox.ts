/**
 * The mail outbox on Deno KV. Keys:
 *   ["mail", id] → StoredMail      ["mailDue", nextAt, id] → 1 (what a claim lists, earliest first)
 * Both keys change in one atomic commit that checks the mail's entry as it was read, so of two
 * isolates or processes claiming one mail at once only one commits. A lease is the mail's `nextAt`
 * moved to the lease's end.
 */
import { ulid } from "ulid";
import type { OutboxStore, QueuedMail } from "../outbox.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import { retryAtomic, retryWhileLocked } from "./retry.ts";

interface StoredMail extends Omit<QueuedMail, "lease"> {
  /** Epoch ms: due from then on. */
  nextAt: number;
  /** The latest claim's lease (none before the first claim). */
  lease?: string;
}

/**
 * The outbox methods of a KV store on `kv`.
 *
 * @example
 * const outbox = kvOutbox(await Deno.openKv(":memory:"));
 * await outbox.enqueueMail({ to: "mina@example.com", subject: "Hi", text: "…" });
 */
export function kvOutbox(kv: Deno.Kv): OutboxStore {
  /** Writes `next` over `entry` unless it changed since it was read. */
  async function replace(entry: Deno.KvEntry<StoredMail>, next: StoredMail): Promise<boolean> {
    const result = await kv.atomic().check(entry)
      .delete(["mailDue", entry.value.nextAt, entry.value.id])
      .set(["mailDue", next.nextAt, next.id], 1)
      .set(["mail", next.id], next)
      .commit();
    return result.ok;
  }

  /** Leases mail `id` when it is due at `now`; null when it is not (claimed, retried, finished meanwhile). */
  async function claim(id: string, now: number, leaseMs: number): Promise<QueuedMail | null> {
    const entry = await kv.get<StoredMail>(["mail", id]);
    if (!entry.value || entry.value.nextAt > now) return null;
    const lease = crypto.randomUUID();
    const { mail, attempts } = entry.value;
    return await replace(entry, { ...entry.value, nextAt: now + leaseMs, lease })
      ? { id, mail, attempts, lease }
      : null;
  }

  return {
    async enqueueMail(mail) {
      const stored: StoredMail = {
        id: ulid(),
        mail: withoutUndefined(mail),
        attempts: 0,
        nextAt: Date.now(),
      };
      await kv.atomic().set(["mail", stored.id], stored).set(["mailDue", stored.nextAt, stored.id], 1)
        .commit();
      return stored.id;
    },

    async claimDueMail(now, leaseMs, limit) {
      const claimed: QueuedMail[] = [];
      if (limit <= 0) return claimed;
      // Ids are ULIDs, so "\uffff" sorts after every id due at `now` itself.
      const due = await retryWhileLocked(() =>
        Array.fromAsync(
          kv.list({ start: ["mailDue"], end: ["mailDue", now, "\uffff"] }),
          (e) => e.key[2] as string,
        )
      );
      for (const id of due) {
        // Each mail on its own: a claim already committed is never lost to a retry of the whole call.
        const mail = await retryWhileLocked(() => claim(id, now, leaseMs));
        if (mail && claimed.push(mail) >= limit) break;
      }
      return claimed;
    },

    async finishMail(id) {
      assertStrings({ id });
      await retryAtomic(async () => {
        const entry = await kv.get<StoredMail>(["mail", id]);
        if (!entry.value) return true;
        const op = kv.atomic().check(entry).delete(["mail", id]).delete(["mailDue", entry.value.nextAt, id]);
        return (await op.commit()).ok || undefined;
      });
    },

    async retryMail(id, lease, nextAt, attempts) {
      assertStrings({ id, lease });
      await retryAtomic(async () => {
        const entry = await kv.get<StoredMail>(["mail", id]);
        if (!entry.value || entry.value.lease !== lease) return true;
        return await replace(entry, { ...entry.value, nextAt, attempts }) || undefined;
      });
    },
  };
}
