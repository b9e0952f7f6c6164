/**
 * Edits, deletes and reactions on MongoDB. A change claims the room's next seq the way an append
 * does (inserting its record under `messageKey(room, seq)`, the unique `_id` refusing a taken seq),
 * so messages and changes share one gap-free order. The message's new state is written first, its
 * version `v` claimed by a unique insert (FerretDB's filtered replace is no compare-and-set between
 * clients: two matched at once and one reaction was lost), and the record after it: whoever reads a
 * change's record reads the state it made.
 */
import { monotonicFactory } from "ulid";
import type { Message } from "@/lib/shared/protocol.ts";
import { StoreNotFoundError } from "../errors.ts";
import type { ChangeInput, ChangeMethods, ChangeResult, MemberState, RoomEvent } from "../types.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import { applyChange } from "../change_rules.ts";
import {
  type Collections,
  fromMessageDoc,
  isDuplicateKey,
  type MessageDoc,
  messageKey,
  type MessageRevDoc,
  userRef,
} from "./docs.ts";
import type { MongoMessages } from "./messages.ts";

const ulid = monotonicFactory();

/**
 * The change methods of a MongoDB store; `messages` gives the room's last seq.
 *
 * @example
 * const changes = mongoChanges(c, mongoMessages(c));
 */
export function mongoChanges(c: Collections, messages: Pick<MongoMessages, "lastSeqOf">): ChangeMethods {
  /** The seq of message `id`: its marker, else (no marker: a crash between insert and marker) a scan. */
  async function seqOf(room: string, id: string): Promise<number | null> {
    const marker = await c.messageIds.findOne({ _id: `${room}:${id}` });
    if (marker) return marker.seq;
    const doc = await c.messages.findOne({ room, id }, { projection: { seq: 1 } });
    if (!doc) return null;
    await c.messageIds.insertOne({ _id: `${room}:${id}`, seq: doc.seq }).catch(() => {});
    return doc.seq;
  }

  async function lastSeq(room: string): Promise<number> {
    const doc = await c.rooms.findOne({ _id: room });
    return doc ? await messages.lastSeqOf(doc) : 0;
  }

  /** Claims the room's next seq for a change of message `target`. */
  async function record(room: string, target: number, by: Message["author"]): Promise<number> {
    for (let seq = await lastSeq(room) + 1;; seq++) {
      const doc: MessageDoc = {
        _id: messageKey(room, seq),
        id: ulid(),
        seq,
        room,
        kind: "system",
        author: userRef(by),
        at: new Date().toISOString(),
        // Never a client's clientId (those cannot hold "~"): the (author, clientId) index stays unique.
        clientId: `~change:${ulid()}`,
        change: { target },
      };
      try {
        await c.messages.insertOne(doc);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        continue; // another writer took `seq`: the next one
      }
      await c.rooms.updateOne({ _id: room }, { $max: { seq } });
      return seq;
    }
  }

  /**
   * Writes a claimed version unless a later one is there already, then empties the claims before it.
   * The newest claim keeps its document (the message as it is now, nothing older): FerretDB's
   * filtered replace is no compare-and-set between clients, so a late writer of an older version can
   * land after a newer one, and the next changer must find the newest state to put back.
   */
  async function apply(next: MessageDoc): Promise<void> {
    await c.messages.replaceOne(
      { _id: next._id, $or: [{ v: { $lt: next.v } }, { v: { $exists: false } }] },
      next,
    );
    await c.messageRevs.updateMany(
      { msg: next._id, v: { $lt: next.v! }, next: { $exists: true } },
      { $unset: { next: "" } },
    );
  }

  /** The newest claim of message `key` from version `v` on (claims are taken one version at a time). */
  async function newestClaim(key: string, v: number): Promise<MessageRevDoc | null> {
    let found = await c.messageRevs.findOne({ _id: `${key}:${v}` });
    while (found) {
      const later = await c.messageRevs.findOne({ _id: `${key}:${++v}` });
      if (!later) break;
      found = later;
    }
    return found;
  }

  /**
   * Version `v` of `doc` is taken: brings the message up to its newest claim. That claim's document
   * normally; a claim emptied before claims kept their document (older data) has none, and the
   * message's own state moves to that version, so the next turn can claim the one after it.
   */
  async function catchUp(doc: MessageDoc, v: number): Promise<void> {
    const newest = await newestClaim(doc._id, v);
    if (!newest) return;
    const version = newest.v ?? Number(newest._id.slice(newest._id.lastIndexOf(":") + 1));
    await apply(newest.next ?? { ...doc, v: version });
  }

  async function change(input: ChangeInput): Promise<ChangeResult> {
    const target = await seqOf(input.room, input.id);
    if (target === null) throw new StoreNotFoundError("not_found", "No such message");
    for (let lost = 0;; lost++) {
      // Many changes of one message at once (a burst of reactions) take turns at its next version;
      // a short random pause after each lost turn keeps them from colliding in lockstep.
      if (lost > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(lost, 20)));
      const doc = await c.messages.findOne({ _id: messageKey(input.room, target) });
      if (!doc || doc.change) throw new StoreNotFoundError("not_found", "No such message");
      const { message, removedFile } = applyChange(fromMessageDoc(doc), input);
      const v = (doc.v ?? 0) + 1;
      const next: MessageDoc = withoutUndefined({ ...message, _id: doc._id, clientId: doc.clientId, v });
      const claim = `${doc._id}:${v}`;
      try {
        await c.messageRevs.insertOne({ _id: claim, msg: doc._id, v, next });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Another change has version v: make sure the newest one is applied, then read it and go again.
        await catchUp(doc, v);
        continue;
      }
      await apply(next);
      const seq = await record(input.room, target, input.by);
      return { seq, message, ...(removedFile ? { removedFile } : {}) };
    }
  }

  /**
   * Changes of one room from this process run one after another: racing ones would only collide on
   * the same version claim and go again (other processes still race, safely).
   */
  const queues = new Map<string, Promise<unknown>>();
  function queued<T>(room: string, task: () => Promise<T>): Promise<T> {
    const run = (queues.get(room) ?? Promise.resolve()).then(task);
    const tail = run.then(() => {}, () => {});
    queues.set(room, tail);
    tail.then(() => queues.get(room) === tail && queues.delete(room));
    return run;
  }

  return {
    changeMessage(input): Promise<ChangeResult> {
      assertStrings({ room: input.room, id: input.id, by: input.by.id });
      return queued(input.room, () => change(input));
    },

    async getMessage(room, id) {
      assertStrings({ room, id });
      const seq = await seqOf(room, id);
      const doc = seq === null ? null : await c.messages.findOne({ _id: messageKey(room, seq) });
      return doc && !doc.change ? fromMessageDoc(doc) : null;
    },

    async listEvents(room, { after, limit }) {
      assertStrings({ room });
      const to = Math.min(await lastSeq(room), Math.floor(after) + Math.floor(limit));
      const events: RoomEvent[] = [];
      for (let start = Math.floor(after) + 1; start <= to; start += 64) {
        const seqs = Array.from({ length: Math.min(64, to - start + 1) }, (_, i) => start + i);
        const docs = await Promise.all(seqs.map((seq) => c.messages.findOne({ _id: messageKey(room, seq) })));
        const targets = await Promise.all(
          docs.map((d) => d?.change ? c.messages.findOne({ _id: messageKey(room, d.change.target) }) : null),
        );
        docs.forEach((d, i) => {
          if (!d) return;
          if (!d.change) events.push(fromMessageDoc(d));
          else if (targets[i]) events.push({ room, seq: d.seq, update: fromMessageDoc(targets[i]!) });
        });
      }
      return events;
    },

    async setMemberState(room, userId, state) {
      assertStrings({ room, userId });
      const states = c.messageIds.db.collection<{ _id: string; state: MemberState }>("memberStates");
      if (state === null) await states.deleteOne({ _id: `${room}:${encodeURIComponent(userId)}` });
      else {
        await states.replaceOne({ _id: `${room}:${encodeURIComponent(userId)}` }, { state }, {
          upsert: true,
        });
      }
    },

    async getMemberState(room, userId) {
      assertStrings({ room, userId });
      const states = c.messageIds.db.collection<{ _id: string; state: MemberState }>("memberStates");
      return (await states.findOne({ _id: `${room}:${encodeURIComponent(userId)}` }))?.state ?? null;
    },

    async listReadMarks(room) {
      assertStrings({ room });
      const marks: Record<string, number> = {};
      for (const doc of await c.readMarks.find({ room }).toArray()) marks[doc.reader] = doc.seq;
      return marks;
    },
  };
}
