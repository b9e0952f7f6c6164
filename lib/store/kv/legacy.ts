/**
 * Files written before chunks (one row per message): `["msg", room, seq]` → Message,
 * `["msgId", room, id]` → seq and `["msgByClient", room, authorId, clientId]` → {seq}.
 *
 * Opening such a file moves its messages into chunks once (`migrateLegacyMessages`), a bounded step
 * at a time: each step lists a few legacy rows, writes their chunks and `["msgId"]` rows (their ids
 * are plain ULIDs, which say nothing of their seq) and deletes the rows, checking every row it read
 * is unchanged. Two isolates opening the file together race safely: the loser's step writes nothing
 * (its rows are gone) and it lists again. Every handle finishes the move before it serves, so no
 * reader ever has to look at both layouts. Then each (room, author)'s ring is seeded from its last
 * `RING_SIZE` clientId rows, so the fast path knows recent resends from before the move too, and a
 * marker key (`["chunkLayout"]`) makes later opens skip all of it. `["msgByClient"]` rows stay: the careful path of an append
 * (a failed counter check, as a resend to another isolate causes) still reads them, so a resend of a
 * message stored before the move is still recognized.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import { messageBytes, setChunks } from "./chunks.ts";
import { EMPTY_RING, RING_SIZE, ringKey, ringWith } from "./rings.ts";

/** Rows per step: one check each, within KV's 100 checks per atomic operation. */
const STEP_ROWS = 90;
/** Estimated bytes per step, within KV's 819,200 per atomic operation. */
const STEP_BYTES = 300_000;

/**
 * The row per message under which an append's (room, author, clientId) was remembered before rings;
 * imports still write one per message (a bulk load has no window).
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
    const result = await op.commit();
    if (result.ok) moved += rows.length;
  }
}

/**
 * Seeds the ring of every (room, author) that has clientId rows and no ring yet (a ring the
 * appender wrote meanwhile is newer: kept).
 */
async function seedRings(kv: Deno.Kv): Promise<void> {
  let pair: Deno.KvKeyPart[] = [];
  let rows: { id: string; seq: number }[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    const last = rows.sort((a, b) => a.seq - b.seq).slice(-RING_SIZE);
    const ring = ringWith(EMPTY_RING, last.map((r) => r.id), last.map((r) => r.seq));
    const key = ringKey(pair[0] as string, pair[1] as string);
    await kv.atomic().check({ key, versionstamp: null }).set(key, ring).commit();
    rows = [];
  };
  for await (const entry of kv.list<{ seq: number }>({ prefix: ["msgByClient"] })) {
    const [, room, author, clientId] = entry.key;
    if (room !== pair[0] || author !== pair[1]) {
      await flush();
      pair = [room, author];
    }
    rows.push({ id: clientId as string, seq: entry.value.seq });
  }
  await flush();
}

/**
 * Brings a file to the chunk layout once: messages moved, rings seeded, then the marker set.
 * Idempotent, and safe with several isolates at once (see above).
 *
 * @example
 * await toChunkLayout(kv);
 */
export async function toChunkLayout(kv: Deno.Kv): Promise<void> {
  if ((await kv.get(["chunkLayout"])).value) return;
  await migrateLegacyMessages(kv);
  await seedRings(kv);
  await kv.set(["chunkLayout"], 1);
}
