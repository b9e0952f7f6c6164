import assert from "node:assert/strict";
import { openKvStore } from "./mod.ts";
import { openKvWriter } from "./writer.ts";
import { journalDir, openJournal, readJournal } from "./journal.ts";
import { createPublic, randomMessage, randomUserRef } from "../contract/mod.ts";
import { storedMessage } from "./chunks.ts";
import { idRandoms, idTime, messageId } from "./ids.ts";
import type { Store } from "../types.ts";

async function withDir(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_journal_" });
  try {
    await fn(`${dir}/store.kv`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Messages in KV itself, read past every journal (a raw handle on the file). */
async function rawSeqs(path: string, room: string): Promise<number[]> {
  const kv = await Deno.openKv(path);
  const seqs: number[] = [];
  for await (const e of kv.list<{ seq: number }[]>({ prefix: ["msgs", room] })) {
    seqs.push(...e.value.map((m) => m.seq));
  }
  kv.close();
  return seqs;
}

Deno.test("[store:kv-journal] readJournal - a record cut short by a crash ends the replay; whole ones are read", async () => {
  await withDir(async (path) => {
    await Deno.mkdir(journalDir(path), { recursive: true });
    const journal = await openJournal(journalDir(path), []);
    const author = randomUserRef();
    const entry = (seq: number) => ({
      clientId: `c${seq}`,
      message: storedMessage(
        randomMessage("r1", author),
        seq,
        new Date().toISOString(),
        messageId(idTime(0), seq, idRandoms(1)[0]),
      ),
    });
    await journal.append([entry(1), entry(2)]);
    await journal.append([entry(3)]);
    journal.close();
    // Half of a third record: the length and checksum, part of the body.
    const file = await Deno.open(`${journalDir(path)}/1.log`, { append: true });
    await file.write(new Uint8Array([200, 0, 0, 0, 1, 2, 3, 4, 123, 34]));
    file.close();
    const { entries, files } = await readJournal(journalDir(path));
    assert.deepEqual(entries.map((e) => e.message.seq), [1, 2, 3]);
    assert.deepEqual(entries.map((e) => e.clientId), ["c1", "c2", "c3"]);
    assert.deepEqual(files, [1]);
  });
});

Deno.test("[store:kv-journal] lock - one writer per file; a handle beside it writes no messages, all else", async () => {
  await withDir(async (path) => {
    const writer = await openKvWriter(path);
    const worker = await openKvStore(path, { appends: writer.connect() });
    try {
      await assert.rejects(() => openKvWriter(path), /open in another Parley process/);
      const room = (await createPublic(worker)).id;
      const author = randomUserRef();
      const stored = await worker.appendMessage(randomMessage(room, author));
      // A script beside the server (making a counselor): accounts yes, messages no.
      const beside = await openKvStore(path);
      await beside.createUser({
        id: "u1",
        username: "mina",
        role: "counselor",
        passwordHash: "x",
        createdAt: new Date().toISOString(),
      });
      assert.equal((await worker.getUser("u1"))?.username, "mina");
      await assert.rejects(
        () => beside.appendMessage(randomMessage(room, author)),
        /served by a running Parley server/,
      );
      await assert.rejects(
        () => beside.changeMessage({ room, id: stored.message.id, by: author, change: { op: "delete" } }),
        /served by a running Parley server/,
      );
      await beside.close();
    } finally {
      await worker.close();
      await writer.close();
    }
    const alone = await openKvStore(path);
    assert.equal(
      (await alone.appendMessage(randomMessage((await createPublic(alone)).id, randomUserRef()))).message.seq,
      1,
    );
    await alone.close();
  });
});

Deno.test("[store:kv-journal] reads - a message acked and not yet in KV is read by every handle", async () => {
  await withDir(async (path) => {
    // KV is brought up only when someone waits: the first batch at once, then not within a minute.
    const writer = await openKvWriter(path, undefined, { applyEveryMs: 60_000 });
    const a = await openKvStore(path, { appends: writer.connect() });
    const b = await openKvStore(path, { appends: writer.connect() });
    try {
      const room = (await createPublic(a)).id;
      const author = randomUserRef();
      await a.appendMessage(randomMessage(room, author));
      const acked = await Promise.all([1, 2, 3].map(() => a.appendMessage(randomMessage(room, author))));
      assert.ok((await rawSeqs(path, room)).length < 4, "the later ones are in the journal only");
      const seen = await b.listMessages(room, { after: 0, limit: 10 });
      assert.deepEqual(seen.map((m) => m.seq), [1, 2, 3, 4]);
      assert.equal((await b.getRoom(room))?.lastSeq, 4);
      assert.deepEqual(await b.getMessage(room, acked[2].message.id), acked[2].message);
      // A change takes the room at the writer: it follows the journaled messages in seq order.
      const edit = await b.changeMessage({
        room,
        id: acked[0].message.id,
        by: author,
        change: { op: "edit", text: "edited" },
      });
      assert.equal(edit.seq, 5);
      const next = await a.appendMessage(randomMessage(room, author));
      assert.equal(next.message.seq, 6);
    } finally {
      await a.close();
      await b.close();
      await writer.close();
    }
  });
});

/** A process that appends through a writer and ends without a word, as a crash would. */
const CRASH = `
import { openKvWriter } from "${new URL("./writer.ts", import.meta.url).href}";
import { openKvStore } from "${new URL("./mod.ts", import.meta.url).href}";
const [path, room, authorJson] = Deno.args;
const author = JSON.parse(authorJson);
const writer = await openKvWriter(path, undefined, { applyEveryMs: 60_000 });
const store = await openKvStore(path, { appends: writer.connect() });
const send = (n) => store.appendMessage({ room, kind: "text", author, clientId: "c" + n, text: "m" + n });
await send(0);
const acked = await Promise.all(Array.from({ length: 49 }, (_, i) => send(i + 1)));
console.log(JSON.stringify(acked.map((r) => r.message.seq)));
Deno.exit(0);
`;

Deno.test("[store:kv-journal] replay - every message acked before a crash is there after, resends still known", async () => {
  await withDir(async (path) => {
    const setup = await openKvStore(path);
    const room = (await createPublic(setup)).id;
    await setup.close();
    const author = randomUserRef();
    const script = `${path}.crash.ts`;
    await Deno.writeTextFile(script, CRASH);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `--config=${new URL("../../../deno.json", import.meta.url).pathname}`,
        script,
        path,
        room,
        JSON.stringify(author),
      ],
      stderr: "inherit",
    }).output();
    assert.equal(out.code, 0);
    const acked: number[] = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(acked.length, 49);
    assert.ok((await rawSeqs(path, room)).length < 50, "the crash left messages in the journal only");

    // Opened again, by a writer as `deno task start` does, or by a handle of its own.
    for (const open of ["writer", "alone"] as const) {
      const writer = open === "writer" ? await openKvWriter(path) : undefined;
      const store: Store = await openKvStore(path, writer ? { appends: writer.connect() } : {});
      try {
        const seqs = (await store.listMessages(room, { after: 0, limit: 100 })).map((m) => m.seq);
        assert.deepEqual(seqs, Array.from({ length: 50 + (open === "alone" ? 1 : 0) }, (_, i) => i + 1));
        const again = await store.appendMessage({ room, kind: "text", author, clientId: "c7", text: "m7" });
        assert.equal(again.duplicate, true);
        assert.equal(again.message.seq, 8);
        if (open === "writer") {
          const next = await store.appendMessage({ room, kind: "text", author, clientId: "new", text: "n" });
          assert.equal(next.message.seq, 51);
        }
      } finally {
        await store.close();
        await writer?.close();
      }
    }
    assert.deepEqual((await readJournal(journalDir(path))).entries, [], "replayed files are gone");
  });
});

Deno.test("[store:kv-journal] journalBacklog - counts what is acked and not in KV, back to 0 once read", async () => {
  await withDir(async (path) => {
    const writer = await openKvWriter(path, undefined, { applyEveryMs: 60_000 });
    const store = await openKvStore(path, { appends: writer.connect() });
    try {
      const room = (await createPublic(store)).id;
      const author = randomUserRef();
      await store.appendMessage(randomMessage(room, author)); // the first batch goes to KV at once
      // ...in a commit that may still be running: a read waits for the room to be in KV.
      await store.listMessages(room, { after: 0, limit: 1 });
      await Promise.all([1, 2, 3].map(() => store.appendMessage(randomMessage(room, author))));
      assert.equal(store.journalBacklog?.(), 3);
      await store.listMessages(room, { after: 0, limit: 10 }); // a read brings the room into KV
      assert.equal(store.journalBacklog?.(), 0);
    } finally {
      await store.close();
      await writer.close();
    }
  });
});

Deno.test("[store:kv-journal] backlog bound - past it, the next batch waits for KV to catch up; every message is acked and kept", async () => {
  await withDir(async (path) => {
    // No timed commit of the backlog after the first: only the bound brings KV up to date.
    const writer = await openKvWriter(path, undefined, { applyEveryMs: 60_000, maxBacklog: 4 });
    const store = await openKvStore(path, { appends: writer.connect() });
    try {
      const room = (await createPublic(store)).id;
      const author = randomUserRef();
      await store.appendMessage(randomMessage(room, author)); // the first batch goes to KV at once
      // ...in a commit that may still be running: a read waits for the room to be in KV.
      await store.listMessages(room, { after: 0, limit: 1 });
      assert.equal(store.journalBacklog?.(), 0);
      const seen: number[] = [];
      for (let i = 0; i < 12; i++) {
        await store.appendMessage(randomMessage(room, author));
        seen.push(store.journalBacklog!()!);
      }
      // One-message batches: the backlog climbs to the bound plus the batch that crossed it, then
      // the next batch commits it to KV first.
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]);
      assert.deepEqual(await rawSeqs(path, room), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const all = await store.listMessages(room, { after: 0, limit: 50 });
      assert.deepEqual(all.map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    } finally {
      await store.close();
      await writer.close();
    }
  });
});
