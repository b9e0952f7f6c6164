/**
 * Edits, deletes and reactions on Deno KV. A change is one atomic write: the room's counter moves
 * on by one (checked by versionstamp, like an append), the chunk holding the message is rewritten
 * with its new state (checked too), and `["change", room, seq]` records which message the change at
 * `seq` touched. History pages read only chunks; catch-up merges chunks and change records.
 *
 * Finding a message by id: the id carries its seq (ids.ts), so one chunk read and a comparison of
 * the whole id; ids stored before that (plain ULIDs) have a `["msgId", room, id]` → seq row.
 *
 * Keys: ["change", room, seq] → {target} · ["memberState", room, userId] → "muted" | "removed"
 */
import type { Message } from "@/lib/shared/protocol.ts";
import { StoreNotFoundError } from "../errors.ts";
import type { ChangeMethods, ChangeResult, MemberState, RoomEvent } from "../types.ts";
import { assertStrings } from "../records.ts";
import { retryAtomic } from "./retry.ts";
import { applyChange } from "../change_rules.ts";
import { ascending, chunkAt, messageAt, setChunks } from "./chunks.ts";
import { seqOfId } from "./ids.ts";

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
  /** Message `id` and the chunk holding it: by the seq its id carries, else its legacy index row. */
  async function find(room: string, id: string) {
    const seq = seqOfId(id);
    const found = seq === null ? null : await messageAt(kv, room, seq);
    if (found?.message.id === id) return found;
    const legacy = await kv.get<number>(["msgId", room, id]);
    if (legacy.value === null) return null;
    const old = await messageAt(kv, room, legacy.value);
    return old?.message.id === id ? old : null;
  }

  /** The current state of the messages at `seqs` (those in `read` already are taken from it). */
  async function messagesAt(room: string, seqs: number[], read: Message[]): Promise<Map<number, Message>> {
    const found = new Map(read.map((m) => [m.seq, m]));
    for (const seq of new Set(seqs)) {
      if (found.has(seq)) continue;
      // One chunk read brings its neighbours too: changes in one conversation touch nearby seqs.
      const chunk = await chunkAt(kv, room, seq);
      for (const m of chunk?.value ?? []) found.set(m.seq, m);
    }
    return found;
  }

  return {
    async changeMessage(input): Promise<ChangeResult> {
      assertStrings({ room: input.room, id: input.id, by: input.by.id });
      if (!(await find(input.room, input.id))) throw new StoreNotFoundError("not_found", "No such message");
      return await retryAtomic(async () => {
        const [counter, found] = await Promise.all([
          kv.get<number>(["roomSeq", input.room]),
          find(input.room, input.id),
        ]);
        if (!found) throw new StoreNotFoundError("not_found", "No such message");
        const { message, removedFile } = applyChange(found.message, input);
        const seq = (counter.value ?? 0) + 1;
        const op = kv.atomic().check(counter, found.chunk)
          .set(["roomSeq", input.room], seq)
          .set(["change", input.room, seq], { target: message.seq } satisfies ChangeRecord);
        // A message that grew (an edit, reactions) may split its chunk: the pieces keep its range.
        setChunks(op, input.room, found.chunk.value.with(found.index, message));
        const result = await op.commit();
        return result.ok ? { seq, message, ...(removedFile ? { removedFile } : {}) } : undefined;
      });
    },

    async getMessage(room, id) {
      assertStrings({ room, id });
      return (await find(room, id))?.message ?? null;
    },

    async listEvents(room, { after, limit }) {
      assertStrings({ room });
      if (limit <= 0) return [];
      const low = after + 1, high = after + 1 + limit;
      const messages: Message[] = [];
      const changes: { seq: number; target: number }[] = [];
      for await (const m of ascending(kv, room, low, high, limit)) messages.push(m);
      for await (
        const e of kv.list<ChangeRecord>({ start: ["change", room, low], end: ["change", room, high] })
      ) {
        changes.push({ seq: e.key[2] as number, target: e.value.target });
      }
      const targets = await messagesAt(room, changes.map((c) => c.target), messages);
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
