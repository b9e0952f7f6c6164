/**
 * Files written before chunks (one row per message): `["msg", room, seq]` → Message,
 * `["msgId", room, id]` → seq and `["msgByClient", room, authorId, clientId]` → {seq}.
 *
 * Opening such a file moves its messages into chunks once (`migrateLegacyMessages`), a bounded step
 * at a time: each step lists a few legacy rows, writes their chunks and `["msgId"]` rows (their ids
 * are plain ULIDs, which say nothing of their seq) and deletes the rows, checking every row it read
 * is unchanged. Two isolates opening the file together race safely: the loser's step writes nothing
 * (its rows are gone) and it lists again. Every handle finishes the move before it serves, so no
 * reader ever has to look at both layouts. Then each (room, author)'s clientId history (client_ids.ts)
 * is seeded from all its clientId rows, in seq order, so the fast path knows every resend from before
 * the move too, and a marker key (`["chunkLayout"]`) makes later opens skip all of it.
 * `["msgByClient"]` rows stay: the careful path of an append for a room a handle first sees still
 * reads them (for a history seeded only in part, see `seedHistory`).
 */
import { retryWhileLocked } from "./retry.ts";
import type { Message } from "@/lib/shared/protocol.ts";
import { messageBytes, setChunks } from "./chunks.ts";
import { loadHistory, planAppend, SEGMENT_ENTRIES, segmentKey } from "./client_ids.ts";

/** Rows per step: one check each, within KV's 100 checks per atomic operation. */
const STEP_ROWS = 90;
/** Estimated bytes per step, within KV's 819,200 per atomic operation. */
const STEP_BYTES = 300_000;

/**
 * The row per message under which an append's (room, author, clientId) was remembered before chunks
 * (nothing writes one now).
 */
export function clientIdRowKey(room: string, authorId: string, clientId: string): Deno.KvKey {
  return ["msgByClient", room, authorId, clientId];
}

/**
 * Moves every `["msg", room, seq]` row into chunks; returns how many this call moved (0 when the
 * file has none, which costs one list of one row).
 *
 * @example
 * await migrateLegacyMessages(kv);
 */
export async function migrateLegacyMessages(kv: Deno.Kv): Promise<number> {
  let moved = 0;
  for (;;) {
    const rows: Deno.KvEntry<Message>[] = [];
    let bytes = 0;
    for await (const entry of kv.list<Message>({ prefix: ["msg"] }, { limit: STEP_ROWS })) {
      const size = messageBytes(entry.value);
      if (rows.length > 0 && bytes + size > STEP_BYTES) break;
      rows.push(entry);
      bytes += size;
    }
    if (rows.length === 0) return moved;
    const byRoom = new Map<string, Deno.KvEntry<Message>[]>();
    for (const row of rows) {
      const room = row.key[1] as string;
      byRoom.set(room, [...(byRoom.get(room) ?? []), row]);
    }
    const op = kv.atomic();
    for (const [room, list] of byRoom) {
      // Listed in key order: seq order within the room.
      setChunks(op, room, list.map((r) => r.value));
      for (const row of list) {
        op.check(row).delete(row.key).set(["msgId", room, row.value.id], row.value.seq);
      }
    }
    // Two isolates opening the file at once take turns at SQLite's lock; a refused commit wrote nothing.
    const result = await retryWhileLocked(() => op.commit());
    if (result.ok) moved += rows.length;
  }
}

/** Segment rows per seeding step: one check each, within KV's 100 checks per atomic operation. */
const SEED_SEGMENTS = 60;

/**
 * Seeds `author`'s history in `room` with `rows` (its clientIds from before chunks), a bounded step
 * at a time. Every seeder writes the same bytes (rows in seq order), so isolates seeding together
 * agree; each step checks the segments it writes are as it read them, so a step never overwrites
 * what an appender added once the history was complete (appenders only run after it is: every
 * handle seeds before it serves). A history already as long as `rows` is left alone.
 */
async function seedHistory(kv: Deno.Kv, room: string, author: string, rows: { id: string; seq: number }[]) {
  rows.sort((a, b) => a.seq - b.seq);
  for (;;) {
    const history = await loadHistory(kv, room, author);
    if (history.count >= rows.length) return;
    const first = Math.floor(history.count / SEGMENT_ENTRIES);
    const step = rows.slice(history.count, (first + SEED_SEGMENTS) * SEGMENT_ENTRIES);
    const plan = planAppend(history, step.map((r) => r.id), step.map((r) => r.seq));
    const tail = await kv.get<Uint8Array>(segmentKey(room, author, first));
    // Segments only grow: the same length is the same bytes as loaded.
    if ((tail.value?.byteLength ?? 0) !== history.tail.byteLength) continue;
    const op = kv.atomic();
    for (const [segment, bytes] of plan.writes) {
      const key = segmentKey(room, author, segment);
      op.check({ key, versionstamp: segment === first ? tail.versionstamp : null }).set(key, bytes);
    }
    await retryWhileLocked(() => op.commit());
  }
}

/** Seeds the clientId history of every (room, author) that has clientId rows. */
async function seedHistories(kv: Deno.Kv): Promise<void> {
  let pair: Deno.KvKeyPart[] = [];
  let rows: { id: string; seq: number }[] = [];
  for await (const entry of kv.list<{ seq: number }>({ prefix: ["msgByClient"] })) {
    const [, room, author, clientId] = entry.key;
    if (room !== pair[0] || author !== pair[1]) {
      if (rows.length > 0) await seedHistory(kv, pair[0] as string, pair[1] as string, rows);
      pair = [room, author];
      rows = [];
    }
    rows.push({ id: clientId as string, seq: entry.value.seq });
  }
  if (rows.length > 0) await seedHistory(kv, pair[0] as string, pair[1] as string, rows);
}

/**
 * Brings a file to the chunk layout once: messages moved, clientId histories seeded, then the marker set.
 * Idempotent, and safe with several isolates at once (see above).
 *
 * @example
 * await toChunkLayout(kv);
 */
export async function toChunkLayout(kv: Deno.Kv): Promise<void> {
  if ((await kv.get(["chunkLayout"])).value) return;
  await migrateLegacyMessages(kv);
  await seedHistories(kv);
  await kv.set(["chunkLayout"], 1);
}
