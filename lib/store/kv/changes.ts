/**
 * Edits, deletes and reactions on Deno KV. A change is one atomic write: the room's counter moves
 * on by one (checked by versionstamp, like an append), the message takes its new state, and
 * `["change", room, seq]` records which message the change at `seq` touched. Messages stay under
 * `["msg", room, seq]` alone, so history pages read only messages; catch-up merges both ranges.
 *
 * Keys: ["msgId", room, id] → seq (written with each append) · ["change", room, seq] → {target}
 *       ["memberState", room, userId] → "muted" | "removed"
 */
import type { Message } from "@/lib/shared/protocol.ts";
import { StoreNotFoundError } from "../errors.ts";
import type { ChangeMethods, ChangeResult, MemberState, RoomEvent } from "../types.ts";
import { assertStrings } from "../records.ts";
import { retryAtomic } from "./retry.ts";
import { applyChange } from "../change_rules.ts";

interface ChangeRecord {
  target: number;
}

/**
 * The change methods of a KV store.
 *
 * @example
 * const changes = kvChanges(kv);
 * await changes.changeMessage({ room, id, by, change: { op: "delete" } });
 */
export function kvChanges(kv: Deno.Kv): ChangeMethods {
  /** The seq of message `id`: its index key, else (a message stored before the index) a scan. */
  async function seqOf(room: string, id: string): Promise<number | null> {
    const hit = await kv.get<number>(["msgId", room, id]);
    if (hit.value !== null) return hit.value;
    for await (const entry of kv.list<Message>({ prefix: ["msg", room] })) {
      if (entry.value.id !== id) continue;
      await kv.set(["msgId", room, id], entry.value.seq);
      return entry.value.seq;
    }
    return null;
  }

  async function messagesAt(room: string, seqs: number[]): Promise<Map<number, Message>> {
    const found = new Map<number, Message>();
    const unique = [...new Set(seqs)];
    for (let i = 0; i < unique.length; i += 10) {
      const entries = await kv.getMany<Message[]>(unique.slice(i, i + 10).map((s) => ["msg", room, s]));
      for (const e of entries) if (e.value) found.set(e.value.seq, e.value);
    }
    return found;
  }

  return {
    async changeMessage(input): Promise<ChangeResult> {
      assertStrings({ room: input.room, id: input.id, by: input.by.id });
      const target = await seqOf(input.room, input.id);
      if (target === null) throw new StoreNotFoundError("not_found", "No such message");
      return await retryAtomic(async () => {
        const [counter, entry] = await kv.getMany<[number, Message]>([
          ["roomSeq", input.room],
          ["msg", input.room, target],
        ]);
        if (!entry.value) throw new StoreNotFoundError("not_found", "No such message");
        const { message, removedFile } = applyChange(entry.value, input);
        const seq = (counter.value ?? 0) + 1;
        const result = await kv.atomic().check(counter, entry)
          .set(["roomSeq", input.room], seq)
          .set(["msg", input.room, target], message)
          .set(["change", input.room, seq], { target } satisfies ChangeRecord)
          .commit();
        return result.ok ? { seq, message, ...(removedFile ? { removedFile } : {}) } : undefined;
      });
    },

    async getMessage(room, id) {
      assertStrings({ room, id });
      const seq = await seqOf(room, id);
      return seq === null ? null : (await kv.get<Message>(["msg", room, seq])).value;
    },

    async listEvents(room, { after, limit }) {
      assertStrings({ room });
      if (limit <= 0) return [];
      const range = (kind: string) => ({
        start: [kind, room, after + 1],
        end: [kind, room, after + 1 + limit],
      });
      const messages: Message[] = [];
      const changes: { seq: number; target: number }[] = [];
      for await (const e of kv.list<Message>(range("msg"))) messages.push(e.value);
      for await (const e of kv.list<ChangeRecord>(range("change"))) {
        changes.push({ seq: e.key[2] as number, target: e.value.target });
      }
      const targets = await messagesAt(room, changes.map((c) => c.target));
      const events: RoomEvent[] = [...messages];
      for (const c of changes) {
        const update = targets.get(c.target);
        if (update) events.push({ room, seq: c.seq, update });
      }
      return events.sort((a, b) => a.seq - b.seq);
    },

    async setMemberState(room, userId, state) {
      assertStrings({ room, userId });
      if (state === null) await kv.delete(["memberState", room, userId]);
      else await kv.set(["memberState", room, userId], state);
    },

    async getMemberState(room, userId) {
      assertStrings({ room, userId });
      return (await kv.get<MemberState>(["memberState", room, userId])).value;
    },

    async listReadMarks(room) {
      assertStrings({ room });
      const marks: Record<string, number> = {};
      for await (const e of kv.list<number>({ prefix: ["readMark", room] })) {
        marks[e.key[2] as string] = e.value;
      }
      return marks;
    },
  };
}
