/**
 * `updateSupport` of the MongoDB store as a compare-and-set that also holds on FerretDB 1.x, whose
 * `findOneAndUpdate`/`updateOne` read and then write without atomicity (FerretDB issue #2168), so a
 * filter alone lets two racing claims both through. What IS atomic there is a unique `_id`: each
 * update first claims the conversation's next revision by inserting `<room>:<rev+1>` into
 * `supportRevs` (only one writer can), checking the precondition against revision `rev` it read, and
 * only then writes the conversation. A writer that finds the revision taken re-reads; a claim whose
 * write never landed (its process died in between) is rolled forward by the next writer after a grace.
 */
import type { Store } from "../types.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import { meetsSupportExpect, supportChanged } from "../support_expect.ts";
import { type Collections, fromSupportDoc, isDuplicateKey, type SupportDoc } from "./docs.ts";

/** How long a claimed revision may wait for its write before another writer applies it. */
const ROLL_FORWARD_MS = 2_000;

/** The store's `updateSupport` over `c`. */
export function mongoUpdateSupport(c: Collections): Store["updateSupport"] {
  /** Applies a claimed revision that did not land; false while it is young (its writer may be on it). */
  async function rollForward(room: string, rev: number): Promise<boolean> {
    const claim = await c.supportRevs.findOne({ _id: `${room}:${rev}` });
    if (!claim) return true;
    if (Date.now() - claim.at < ROLL_FORWARD_MS) return false;
    // Only over an older revision: never back over a newer write.
    await c.support.updateOne({ _id: room, $or: [{ rev: { $lt: rev } }, { rev: { $exists: false } }] }, {
      $set: claim.set,
    });
    return true;
  }

  return async function updateSupport(room, patch, expect) {
    assertStrings({ room });
    for (let attempt = 0;; attempt++) {
      const doc = await c.support.findOne({ _id: room });
      if (!doc) return null;
      if (!meetsSupportExpect(fromSupportDoc(doc), expect)) throw supportChanged();
      const rev = (doc.rev ?? 0) + 1;
      const set: Partial<SupportDoc> = { updatedAt: new Date().toISOString(), rev };
      if (patch.state) set.state = patch.state;
      if (patch.counselor) set.counselor = withoutUndefined(patch.counselor);
      if (patch.offline !== undefined) set.offline = patch.offline;
      if (patch.contact) set.contact = withoutUndefined(patch.contact);
      try {
        await c.supportRevs.insertOne({ _id: `${room}:${rev}`, room, set, at: Date.now() });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Someone else holds revision `rev`: wait for (or finish) their write, then read again.
        if (!await rollForward(room, rev)) await new Promise((r) => setTimeout(r, 5 + attempt * 5));
        continue;
      }
      await c.support.updateOne({ _id: room }, { $set: set });
      // Older claims are no longer needed by anyone.
      if (rev > 1) await c.supportRevs.deleteOne({ _id: `${room}:${rev - 1}` });
      return fromSupportDoc({ ...doc, ...set });
    }
  };
}
