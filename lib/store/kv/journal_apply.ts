/**
 * Bringing KV up to the journal: the backlog of each room (its messages logged and not in KV yet,
 * and the clientId segments they wrote) goes into KV in commits as large as Deno KV allows, a room's
 * messages of many batches in one chunk row. `replayJournal` does the same on open, from the files.
 */
import type { Message } from "@/lib/shared/protocol.ts";
import { CHUNK_BYTES, chunkKey, getAll, messageBytes, splitBySize } from "./chunks.ts";
import {
  type History,
  historySeq,
  loadHistory,
  planAppend,
  SEGMENT_WRITE_BYTES,
  segmentKey,
} from "./client_ids.ts";
import { type JournalEntry, readJournal } from "./journal.ts";

/** Within Deno KV's 1,000 mutations and 819,200 bytes per atomic operation. */
const MAX_MUTATIONS = 1000;
const MAX_BYTES = 600_000;

/** A room's messages in the journal and not in KV yet, in seq order, and the segments they wrote. */
export interface Backlog {
  items: { message: Message; bytes: number; file: number }[];
  /** By `${author}\0${segment}`: that segment's newest bytes. */
  segments: Map<string, [string, number, Uint8Array]>;
}

export const emptyBacklog = (): Backlog => ({ items: [], segments: new Map() });

/**
 * Commits `backlogs` to KV until none is left (`once`: one commit), each commit as much as fits,
 * whatever joins them meanwhile included, room `first` first. An item leaves its backlog only once
 * its commit returned, so a resend finds it in one place or the other; `done(room, n, files)` is
 * told what each commit brought in.
 *
 * @example
 * await applyBacklogs(kv, backlogs, (room, n) => slots.applied(room, n));
 */
export async function applyBacklogs(
  kv: Deno.Kv,
  backlogs: Map<string, Backlog>,
  done: (room: string, n: number, files: number[]) => void,
  once = false,
  first?: string,
): Promise<void> {
  for (let again = true; again && backlogs.size > 0; again = !once) {
    const op = kv.atomic();
    const taken: { room: string; b: Backlog; n: number; segments: [string, Uint8Array][] }[] = [];
    let mutations = 0, bytes = 0;
    const order = first !== undefined && backlogs.has(first)
      ? [[first, backlogs.get(first)!] as const, ...[...backlogs].filter(([r]) => r !== first)]
      : backlogs;
    for (const [room, b] of order) {
      const segs = b.segments.size, segBytes = segs * SEGMENT_WRITE_BYTES;
      let n = 0, roomBytes = 0;
      // Per room: its chunks, the counter and its segments; a room larger than a commit goes in parts.
      for (; n < b.items.length; n++) {
        const grown = roomBytes + b.items[n].bytes;
        const more = 1 + Math.floor((2 * grown) / CHUNK_BYTES) + 1 + segs;
        const opening = taken.length === 0 && n === 0;
        if (!opening && (mutations + more > MAX_MUTATIONS || bytes + grown + segBytes > MAX_BYTES)) break;
        roomBytes = grown;
      }
      if (n === 0 && b.items.length > 0) break;
      const items = b.items.slice(0, n);
      for (const run of splitBySize(items, (i) => i.bytes)) {
        op.set(chunkKey(room, run[0].message.seq), run.map((i) => i.message));
      }
      if (n > 0) op.set(["roomSeq", room], items[n - 1].message.seq);
      // Newer than these messages is fine: replay skips a clientId its segment holds already.
      const segments: [string, Uint8Array][] = [];
      for (const [key, [author, segment, value]] of b.segments) {
        op.set(segmentKey(room, author, segment), value);
        segments.push([key, value]);
      }
      mutations += 1 + Math.floor((2 * roomBytes) / CHUNK_BYTES) + 1 + segs;
      bytes += roomBytes + segBytes;
      taken.push({ room, b, n, segments });
      if (n < b.items.length) break;
    }
    const result = await op.commit();
    if (!result.ok) throw new Error("journal: a KV commit without checks failed");
    for (const { room, b, n, segments } of taken) {
      const files = b.items.splice(0, n).map((i) => i.file);
      // A segment rewritten meanwhile stays: its newer bytes go in the next commit.
      for (const [key, value] of segments) if (b.segments.get(key)?.[2] === value) b.segments.delete(key);
      if (b.items.length === 0 && b.segments.size === 0) backlogs.delete(room);
      done(room, n, files);
    }
  }
}

/**
 * Brings KV up to every entry of the journal in `dir` that it lacks, then deletes the journal's files
 * and returns their numbers. A room's entries come in seq order; those at or below its counter are in
 * KV already, and a clientId its segments hold already is not added again: replaying twice (a crash
 * during replay) writes the same.
 *
 * @example
 * const replayed = await replayJournal(kv, journalDir(path));
 */
export async function replayJournal(kv: Deno.Kv, dir: string): Promise<number[]> {
  const { entries, files } = await readJournal(dir);
  const byRoom = new Map<string, JournalEntry[]>();
  for (const e of entries) {
    const list = byRoom.get(e.message.room) ?? byRoom.set(e.message.room, []).get(e.message.room)!;
    list.push(e);
  }
  const rooms = [...byRoom.keys()];
  const counters = await getAll<number>(kv, rooms.map((r) => ["roomSeq", r]));
  const backlogs = new Map<string, Backlog>();
  for (const [k, room] of rooms.entries()) {
    let last = counters[k].value ?? 0;
    const b = emptyBacklog();
    const histories = new Map<string, History>();
    const added = new Map<string, { ids: string[]; seqs: number[] }>();
    for (const { clientId, message } of byRoom.get(room)!) {
      if (message.seq <= last) continue;
      if (message.seq !== last + 1) {
        throw new Error(`journal: room ${room} skips from seq ${last} to ${message.seq}`);
      }
      last = message.seq;
      b.items.push({ message, bytes: messageBytes(message), file: 0 });
      const author = message.author.id;
      const history = histories.get(author) ??
        histories.set(author, await loadHistory(kv, room, author)).get(author)!;
      if (historySeq(history, clientId) !== undefined) continue;
      const add = added.get(author) ?? added.set(author, { ids: [], seqs: [] }).get(author)!;
      add.ids.push(clientId);
      add.seqs.push(message.seq);
    }
    for (const [author, { ids, seqs }] of added) {
      for (const [segment, value] of planAppend(histories.get(author)!, ids, seqs).writes) {
        b.segments.set(`${author}\u0000${segment}`, [author, segment, value]);
      }
    }
    if (b.items.length > 0) backlogs.set(room, b);
  }
  await applyBacklogs(kv, backlogs, () => {});
  for (const n of files) await Deno.remove(`${dir}/${n}.log`);
  return files;
}
