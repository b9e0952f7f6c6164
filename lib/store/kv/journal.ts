/**
 * The message journal of a KV file: an append-only log beside it (`<file>.journal/`) that a batch of
 * new messages is written to, and `fdatasync`ed, before its appends are acked. KV is brought up to date
 * behind it in larger, rarer commits (journal_append.ts). An ack then costs a few hundred bytes of
 * sequential disk per message and one sync per batch, where a KV commit costs SQLite's page writes
 * for every row it touches (docs/send-path.md, "The journal").
 *
 * Files `<n>.log` hold records: 4 bytes of length, 4 of CRC-32, then the batch as JSON. A record cut
 * short by a crash (its appends were never acked: the sync had not returned) ends its file's replay.
 * A file is deleted once every message in it is in KV. `lock` is held exclusively by the one process
 * that writes the file (no second writer may give out seqs), and shared by handles of `deno serve`
 * isolates, which commit on their own; a handle opened beside a writer (a script making a
 * counselor) may do anything but write messages.
 */
import { crc32 } from "node:zlib";
import type { Message } from "@/lib/shared/protocol.ts";

/** A file past this many bytes is closed and the next one begun. */
const FILE_BYTES = 16 * 1024 * 1024;
const HEADER = 8;

/** The journal folder of the KV file at `path`. */
export const journalDir = (path: string) => `${path}.journal`;

const lockFile = async (path: string) => {
  await Deno.mkdir(journalDir(path), { recursive: true });
  return await Deno.open(`${journalDir(path)}/lock`, { create: true, read: true, write: true });
};
/** Present while a writer holds the lock (a crashed one's is removed by whoever replays after it). */
const writerMark = (path: string) => `${journalDir(path)}/writer`;

/**
 * Takes `path`'s lock for the journal's writer, alone, or fails at once saying what holds it.
 * `release` lets it go.
 *
 * @example
 * const lock = await lockAsWriter("./data/parley.kv");
 */
export async function lockAsWriter(path: string): Promise<{ release(): Promise<void> }> {
  const file = await lockFile(path);
  if (!(await file.tryLock(true))) {
    file.close();
    throw new Error(
      `${path} is open in another Parley process: one \`deno task start\` serves a KV file (use MongoDB past one process)`,
    );
  }
  await Deno.writeTextFile(writerMark(path), `${Deno.pid}\n`);
  return {
    async release() {
      await Deno.remove(writerMark(path)).catch(() => {});
      file.close();
    },
  };
}

/**
 * Takes `path`'s lock shared, for a handle that commits on its own (`deno serve`, a script); when a
 * journal a stopped writer left is there, first alone, while `replay` runs. `beside`: a writer runs,
 * so this handle must not write messages (no lock is held then). Siblings opening together may find
 * one of them replaying for a moment: tried again for up to 2 s.
 *
 * @example
 * const { lock, beside } = await lockBeside(path, () => replayJournal(kv, journalDir(path)));
 */
export async function lockBeside(
  path: string,
  replay: () => Promise<unknown>,
): Promise<{ lock?: Deno.FsFile; beside: boolean }> {
  const file = await lockFile(path);
  for (let tries = 0; tries < 100; tries++) {
    if (await hasJournal(path) && await file.tryLock(true)) {
      try {
        await Deno.remove(writerMark(path)).catch(() => {});
        await replay();
      } finally {
        await file.unlock();
      }
    }
    if (await file.tryLock(false)) return { lock: file, beside: false };
    if (await Deno.stat(writerMark(path)).then(() => true, () => false)) {
      file.close();
      return { beside: true };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  file.close();
  throw new Error(`${path} stayed locked for 2 s by another Parley process`);
}

/** One logged message, with the clientId its stored form does not carry (replay rebuilds histories). */
export interface JournalEntry {
  clientId: string;
  message: Message;
}

async function hasJournal(path: string): Promise<boolean> {
  for await (const e of Deno.readDir(journalDir(path))) if (e.name.endsWith(".log")) return true;
  return false;
}

/** What replay found: every record's entries in log order, and the files they came from. */
export interface Replayed {
  entries: JournalEntry[];
  files: number[];
}

/** Reads every complete record of the journal in `dir`, oldest file first. */
export async function readJournal(dir: string): Promise<Replayed> {
  const files: number[] = [];
  for await (const e of Deno.readDir(dir)) {
    const m = /^(\d+)\.log$/.exec(e.name);
    if (m) files.push(Number(m[1]));
  }
  files.sort((a, b) => a - b);
  const entries: JournalEntry[] = [];
  for (const n of files) {
    const bytes = await Deno.readFile(`${dir}/${n}.log`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let off = 0; off + HEADER <= bytes.byteLength;) {
      const length = view.getUint32(off, true);
      const body = bytes.subarray(off + HEADER, off + HEADER + length);
      if (body.byteLength < length || crc32(body) !== view.getUint32(off + 4, true)) break;
      entries.push(...JSON.parse(new TextDecoder().decode(body)) as JournalEntry[]);
      off += HEADER + length;
    }
  }
  return { entries, files };
}

/**
 * The journal's writing end: `append` resolves once its batch is on disk, and names the file it went
 * to; `release(file)` deletes a file whose messages are all in KV (never the one being written).
 *
 * @example
 * const journal = await openJournal(journalDir(path), replayed.files);
 * const file = await journal.append(entries);
 */
export async function openJournal(dir: string, existing: number[]): Promise<{
  append(entries: JournalEntry[]): Promise<number>;
  release(file: number): Promise<void>;
  close(): void;
}> {
  let current = (existing.at(-1) ?? 0) + 1;
  let file = await begin(current);
  let size = 0;
  const encoder = new TextEncoder();

  async function begin(n: number): Promise<Deno.FsFile> {
    const f = await Deno.open(`${dir}/${n}.log`, { create: true, write: true, truncate: true });
    await f.syncData();
    // The new file's name must survive a crash too: sync the folder that lists it.
    const folder = await Deno.open(dir, { read: true });
    try {
      await folder.sync();
    } finally {
      folder.close();
    }
    return f;
  }

  return {
    async append(entries) {
      const body = encoder.encode(JSON.stringify(entries));
      const record = new Uint8Array(HEADER + body.byteLength);
      const view = new DataView(record.buffer);
      view.setUint32(0, body.byteLength, true);
      view.setUint32(4, crc32(body), true);
      record.set(body, HEADER);
      // In this thread, not the runtime's blocking pool: measured, an async write of a batch took
      // ~2 ms of hand-offs under load, a synchronous one 0.03 ms. This thread serves nothing else.
      for (let off = 0; off < record.byteLength;) off += file.writeSync(record.subarray(off));
      file.syncDataSync();
      const written = current;
      size += record.byteLength;
      if (size >= FILE_BYTES) {
        file.close();
        file = await begin(++current);
        size = 0;
      }
      return written;
    },
    async release(n) {
      if (n !== current) await Deno.remove(`${dir}/${n}.log`).catch(() => {});
    },
    close() {
      file.close();
    },
  };
}
