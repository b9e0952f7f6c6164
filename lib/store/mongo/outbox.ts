/**
 * The mail outbox on MongoDB: collection `outbox` (the mails) and `outboxLeases` (who holds one).
 *
 * On FerretDB 1.x `findOneAndUpdate` reads and then writes without atomicity (FerretDB issue #2168),
 * so a filter on `nextAt` alone would let two racing claims both through. What IS atomic is a unique
 * `_id`: a claim inserts lease `<mail>:<n>`, only one writer can, and only then moves the mail's
 * `nextAt` to the lease's end and its `claims` (the next n) on. A claimer that finds lease n taken
 * tries n + 1 only once lease n has run out, so a holder that died is followed and a live one never.
 */
import type { Db } from "mongodb";
import { ulid } from "ulid";
import type { Mail, OutboxStore, QueuedMail } from "../outbox.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import { isDuplicateKey } from "./docs.ts";

interface MailDoc {
  _id: string;
  mail: Mail;
  attempts: number;
  /** Epoch ms: due from then on. */
  nextAt: number;
  /** The lease number the next claim tries; the lower bound of the leases not yet taken. */
  claims: number;
}

interface LeaseDoc {
  _id: string;
  mail: string;
  /** Epoch ms: the holder's until then. */
  until: number;
}

const leaseKey = (mail: string, n: number) => `${mail}:${n}`;

/**
 * Indexes for the due list and for deleting a sent mail's leases; each its own command (see
 * `createIndexes` in docs.ts).
 *
 * @example
 * await createOutboxIndexes(db);
 */
export async function createOutboxIndexes(db: Db): Promise<void> {
  await db.collection<MailDoc>("outbox").createIndex({ nextAt: 1 }, { name: "nextAt" });
  await db.collection<LeaseDoc>("outboxLeases").createIndex({ mail: 1 }, { name: "mail" });
}

/**
 * The outbox methods of a MongoDB store on `db`.
 *
 * @example
 * const outbox = mongoOutbox(db);
 * await outbox.enqueueMail({ to: "mina@example.com", subject: "Hi", text: "…" });
 */
export function mongoOutbox(db: Db): OutboxStore {
  const outbox = db.collection<MailDoc>("outbox");
  const leases = db.collection<LeaseDoc>("outboxLeases");

  /** Takes the next lease of `doc` (read as due at `now`): its number, or null when someone else holds the mail. */
  async function lease(doc: MailDoc, now: number, leaseMs: number): Promise<number | null> {
    for (let n = doc.claims;; n++) {
      try {
        await leases.insertOne({ _id: leaseKey(doc._id, n), mail: doc._id, until: now + leaseMs });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const held = await leases.findOne({ _id: leaseKey(doc._id, n) });
        // Held until later, or deleted since: the mail was finished.
        if (!held || held.until > now) return null;
        continue;
      }
      // `doc` may be an old read: the mail must still be there, due, and not leased past n.
      const fresh = await outbox.findOne({ _id: doc._id });
      if (!fresh || fresh.nextAt > now || fresh.claims > n) {
        await leases.deleteOne({ _id: leaseKey(doc._id, n) });
        return null;
      }
      await outbox.updateOne({ _id: doc._id }, { $set: { claims: n + 1, nextAt: now + leaseMs } });
      return n;
    }
  }

  return {
    async enqueueMail(mail) {
      const id = ulid();
      await outbox.insertOne({
        _id: id,
        mail: withoutUndefined(mail),
        attempts: 0,
        nextAt: Date.now(),
        claims: 0,
      });
      return id;
    },

    async claimDueMail(now, leaseMs, limit) {
      if (limit <= 0) return [];
      const due = await outbox.find({ nextAt: { $lte: Number(now) } }).sort({ nextAt: 1, _id: 1 }).limit(
        limit,
      )
        .toArray();
      const claimed: QueuedMail[] = [];
      for (const doc of due) {
        const n = await lease(doc, Number(now), Number(leaseMs));
        if (n !== null) {
          claimed.push({ id: doc._id, mail: doc.mail, attempts: doc.attempts, lease: String(n) });
        }
      }
      return claimed;
    },

    async finishMail(id) {
      assertStrings({ id });
      // The mail first: a claimer that then takes a freed lease finds no mail and lets go.
      await outbox.deleteOne({ _id: id });
      await leases.deleteMany({ mail: id });
    },

    async retryMail(id, lease, nextAt, attempts) {
      assertStrings({ id, lease });
      // Lease n is the latest while the next claim would take n + 1. (FerretDB 1.x reads this filter
      // and then writes, not atomically: a claim landing between the two is the one race left.)
      await outbox.updateOne(
        { _id: id, claims: Number(lease) + 1 },
        { $set: { nextAt: Number(nextAt), attempts: Number(attempts) } },
      );
    },
  };
}
