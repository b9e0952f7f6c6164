/**
 * What an append attempt reads before it decides (append.ts): counters and clientId histories the
 * handle's memory lacks, and the messages earlier sends of the same clientIds stored.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import type { NewMessage } from "../types.ts";
import { getAll, messageAt } from "./chunks.ts";
import { emptyHistory, type History, historySeq, loadHistory } from "./client_ids.ts";
import type { RoomMemory } from "./room_memory.ts";
import { clientIdRowKey } from "./legacy.ts";

export const idemId = (i: NewMessage) => `${i.room}\u0000${i.author.id}\u0000${i.clientId}`;
export const pairId = (i: NewMessage) => `${i.room}\u0000${i.author.id}`;

/** The histories an attempt decides from, by `pairId`: its own view (memory may drop one meanwhile). */
export type Histories = Map<string, History>;

/**
 * Reads what `memory` lacks for `inputs`: counters of unknown rooms (careful: every counter) with,
 * for those rooms, the inputs' clientId rows (files from before chunks have one per message:
 * legacy.ts), in one round; then the history of every (room, author) pair not current in memory,
 * loaded or brought up to date. Histories are read after the counters, so each holds at least what
 * the counter the commit will check covers (if more, that check fails). Returns the seqs the rows name.
 *
 * @example
 * const read = await readMissing(kv, memory, inputs, false);
 * const earlier = await earlierMessages(kv, inputs, read);
 */
export async function readMissing(
  kv: Deno.Kv,
  memory: RoomMemory,
  inputs: NewMessage[],
  careful: boolean,
): Promise<{ rows: Map<string, number>; histories: Histories }> {
  const rooms = [...new Set(inputs.map((i) => i.room))];
  const unknown = careful ? rooms : rooms.filter((r) => !memory.has(r));
  const fresh = new Set(unknown);
  // A room first seen: its older clientIds may have rows only (from before chunks).
  const rows = [...new Map(inputs.filter((i) => fresh.has(i.room)).map((i) => [idemId(i), i])).values()];
  const found = new Map<string, number>();
  if (unknown.length > 0) {
    const entries = await getAll<unknown>(kv, [
      ...unknown.map((r) => ["roomSeq", r]),
      ...rows.map((i) => clientIdRowKey(i.room, i.author.id, i.clientId)),
    ]);
    unknown.forEach((room, n) => {
      const e = entries[n] as Deno.KvEntryMaybe<number>;
      memory.read(room, e.value ?? 0, e.versionstamp);
    });
    rows.forEach((i, n) => {
      const row = entries[unknown.length + n].value as { seq: number } | null;
      if (row) found.set(idemId(i), row.seq);
    });
  }
  const histories: Histories = new Map();
  const loads: Promise<void>[] = [];
  for (const i of inputs) {
    const pair = pairId(i);
    if (histories.has(pair)) continue;
    const known = memory.history(i.room, i.author.id);
    if (known?.current) {
      histories.set(pair, known.history);
      continue;
    }
    const epoch = memory.get(i.room)!.epoch;
    const loading = loadHistory(kv, i.room, i.author.id, known?.history);
    histories.set(pair, known?.history ?? emptyHistory());
    loads.push(loading.then((history) => {
      histories.set(pair, history);
      memory.put(i.room, i.author.id, history, epoch);
    }));
  }
  await Promise.all(loads);
  return { rows: found, histories };
}

/**
 * Messages stored before under `inputs`' clientIds (resends), by `idemId`: histories, then rows.
 *
 * @example
 * const earlier = await earlierMessages(kv, inputs, await readMissing(kv, memory, inputs, false));
 */
export async function earlierMessages(
  kv: Deno.Kv,
  inputs: NewMessage[],
  { rows, histories }: { rows: Map<string, number>; histories: Histories },
): Promise<Map<string, Message>> {
  const seqs = new Map<string, [NewMessage, number]>();
  for (const input of inputs) {
    const seq = historySeq(histories.get(pairId(input))!, input.clientId) ?? rows.get(idemId(input));
    if (seq !== undefined) seqs.set(idemId(input), [input, seq]);
  }
  const earlier = new Map<string, Message>();
  await Promise.all([...seqs].map(async ([id, [input, seq]]) => {
    const found = await messageAt(kv, input.room, seq);
    if (found) earlier.set(id, found.message);
  }));
  return earlier;
}
