/**
 * Edits, deletes, reactions, read receipts and file messages over `/ws` on the real server
 * (`lib/ops/server.ts`, two workers), on both stores: each change takes its own seq, reaches
 * every reader live as an `update`, is replayed exactly once by `join` with `since`, and history
 * pages show each message as it is now. Refusals are error frames in the reader's language.
 */
import assert from "node:assert/strict";
import { startServer, type TestServer } from "@/tests/support/server.ts";
import { api, connect, createRoom, type Frame, guest, type TestSocket } from "@/tests/support/client.ts";
import { sharedFerretDB } from "@/tests/support/ferretdb.ts";

const db = sharedFerretDB();

async function upload(server: TestServer, cookie: string, room: string, bytes: Uint8Array, name: string) {
  const form = new FormData();
  form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name));
  const res = await fetch(`${server.url}/api/rooms/${room}/files`, {
    method: "POST",
    body: form,
    headers: { cookie },
  });
  return { status: res.status, body: await res.json() };
}

for (const kind of ["kv", "mongo"] as const) {
  Deno.test(`[changes:${kind}] edit, delete, react, read and files over the protocol`, async (t) => {
    const files = await Deno.makeTempDir({ prefix: "parley_changes_files_" });
    const env: Record<string, string> = {
      FILES_PATH: files,
      RATE_BURST: "200",
      MAX_SOCKETS_PER_ADDRESS: "20",
      MAX_IDLE_SOCKETS_PER_ADDRESS: "20",
    };
    if (kind === "mongo") {
      env.MONGODB_URI = `${await db.get()}parley_changes_${crypto.randomUUID().slice(0, 8)}`;
    }
    const server = await startServer({ env });
    const open: TestSocket[] = [];
    const client = async (cookie: string, headers?: Record<string, string>) => {
      const s = await connect(server.wsUrl, cookie, headers);
      open.push(s);
      return s;
    };
    try {
      const ann = await guest(server.url, "ann");
      const bo = await guest(server.url, "bo");
      const room = (await createRoom(server.url, ann.cookie, `changes ${kind}`)).id;
      const a = await client(ann.cookie);
      const b = await client(bo.cookie, { "accept-language": "ko-KR,ko;q=0.9" });
      await a.join(room);
      await b.join(room);
      const say = async (s: TestSocket, text: string, clientId = crypto.randomUUID()) => {
        s.send({ type: "send", room, clientId, text });
        return await s.next((f) => f.type === "ack" && f.clientId === clientId);
      };
      const update = (s: TestSocket, id: string) => s.next((f) => f.type === "update" && f.message.id === id);
      const history = async () =>
        (await api(server.url, `/api/rooms/${room}/messages?limit=100`, { cookie: bo.cookie })).body
          .messages as Frame[];

      const first = await say(a, "helo");
      await b.next((f) => f.type === "message" && f.message.id === first.id);

      await t.step("edit - the author's edit takes the next seq and reaches every reader", async () => {
        a.send({ type: "edit", room, id: first.id, text: "hello" });
        const seen = await update(b, first.id);
        const own = await update(a, first.id);
        assert.equal(seen.seq, first.seq + 1);
        assert.equal(seen.message.seq, first.seq);
        assert.equal(seen.message.text, "hello");
        assert.ok(seen.message.editedAt);
        assert.deepEqual(own, seen);
        const [shown] = await history();
        assert.equal(shown.text, "hello");
        assert.ok(shown.editedAt);
      });

      await t.step(
        "edit - someone else's message is refused in the reader's language, nothing changes",
        async () => {
          b.send({ type: "edit", room, id: first.id, text: "mine now" });
          const err = await b.next((f) => f.type === "error");
          assert.equal(err.code, "forbidden");
          assert.equal(err.message, "자신의 메시지만 바꿀 수 있습니다");
          b.send({ type: "delete", room, id: first.id });
          assert.equal((await b.next((f) => f.type === "error")).code, "forbidden");
          assert.equal((await history())[0].text, "hello");
        },
      );

      await t.step("react - any emoji toggles; counts say who; not an emoji is refused", async () => {
        b.send({ type: "react", room, id: first.id, emoji: "👍🏽" });
        const on = await update(a, first.id);
        assert.deepEqual(on.message.reactions, [{ emoji: "👍🏽", users: [bo.user] }]);
        b.send({ type: "react", room, id: first.id, emoji: "👍🏽" });
        const off = await update(a, first.id);
        assert.equal(off.message.reactions, undefined);
        assert.equal(off.seq, on.seq + 1);
        b.send({ type: "react", room, id: first.id, emoji: "ok" });
        assert.equal((await b.next((f) => f.type === "error")).code, "bad_request");
      });

      await t.step("read - a member's mark reaches the others and never moves back", async () => {
        const last = (await say(a, "read me")).seq;
        await b.next((f) => f.type === "message" && f.message.seq === last);
        b.send({ type: "read", room, seq: last });
        const read = await a.next((f) => f.type === "read");
        assert.deepEqual({ user: read.user.id, seq: read.seq }, { user: bo.user.id, seq: last });
        b.send({ type: "read", room, seq: 1 });
        b.send({ type: "ping" });
        await b.next((f) => f.type === "pong");
        const again = await client(ann.cookie);
        const joined = await again.join(room);
        assert.equal(joined.reads[bo.user.id], last);
        assert.ok(!a.frames.some((f) => f.type === "read" && f.seq === 1));
      });

      await t.step("delete - text gone from the store; later changes are refused", async () => {
        const gone = await say(a, "oops, secret");
        a.send({ type: "delete", room, id: gone.id });
        const del = await update(b, gone.id);
        assert.equal(del.message.deleted, true);
        assert.equal(del.message.text, undefined);
        const shown = (await history()).find((m) => m.id === gone.id)!;
        assert.equal(shown.deleted, true);
        assert.ok(!JSON.stringify(await history()).includes("secret"));
        a.send({ type: "edit", room, id: gone.id, text: "back" });
        const err = await a.next((f) => f.type === "error");
        assert.equal(err.code, "message_deleted");
        assert.equal(err.message, "This message was deleted");
      });

      await t.step("replay - join with since brings every change exactly once, in order", async () => {
        await b.close();
        // b had every event so far: the delete was the last, and it saw it.
        const rooms = (await api(server.url, "/api/rooms", { cookie: bo.cookie })).body.rooms as Frame[];
        const since = rooms.find((r) => r.id === room)!.lastSeq;
        const later = await say(a, "while you were away");
        a.send({ type: "edit", room, id: first.id, text: "hello again" });
        await update(a, first.id);
        a.send({ type: "react", room, id: later.id, emoji: "🎉" });
        await update(a, later.id);
        const back = await client(bo.cookie);
        const joined = await back.join(room, since);
        // `joined` brings the messages before the first change; the rest follows in seq order.
        assert.deepEqual(joined.messages.map((m: Frame) => m.id), [later.id]);
        assert.equal(joined.seq, later.seq);
        const u1 = await back.next((f) => f.type === "update");
        const u2 = await back.next((f) => f.type === "update");
        assert.deepEqual([u1.message.id, u1.message.text], [first.id, "hello again"]);
        assert.deepEqual([u2.message.id, u2.message.reactions[0].emoji], [later.id, "🎉"]);
        assert.deepEqual([u1.seq, u2.seq], [later.seq + 1, later.seq + 2]);
        back.send({ type: "ping" });
        await back.next((f) => f.type === "pong");
        assert.ok(!back.frames.some((f) => f.type === "update" || f.type === "message"));
      });

      await t.step("files - a message carries an upload; deleting it deletes the file", async () => {
        const text = new TextEncoder().encode("notes");
        const up = await upload(server, ann.cookie, room, text, "notes.txt");
        assert.equal(up.status, 201);
        const c = await client(bo.cookie);
        await c.join(room);
        // Only the uploader may send it.
        c.send({ type: "send", room, clientId: "steal", file: up.body.file.id });
        assert.equal((await c.next((f) => f.type === "error" && f.clientId === "steal")).code, "forbidden");
        a.send({ type: "send", room, clientId: "with-file", file: up.body.file.id, text: "see attached" });
        const ack = await a.next((f) => f.type === "ack" && f.clientId === "with-file");
        const got = await c.next((f) => f.type === "message" && f.message.id === ack.id);
        assert.deepEqual(got.message.file, up.body.file);
        assert.equal(got.message.text, "see attached");
        const fetched = await fetch(server.url + up.body.file.url, { headers: { cookie: bo.cookie } });
        assert.equal(await fetched.text(), "notes");
        a.send({ type: "delete", room, id: ack.id });
        const del = await update(c, ack.id);
        assert.equal(del.message.file, undefined);
        assert.equal((await api(server.url, up.body.file.url, { cookie: ann.cookie })).status, 404);
        // Removed from the folder too, not only from the message.
        const left = [...Deno.readDirSync(`${files}/${room}`)].map((e) => e.name);
        assert.deepEqual(left, []);
      });
    } finally {
      for (const s of open) await s.close().catch(() => {});
      await server.stop();
      await Deno.remove(files, { recursive: true }).catch(() => {});
    }
  });
}

Deno.test("[changes:kv] edit - past the edit window is refused, nothing changes", async () => {
  const server = await startServer({ env: { EDIT_WINDOW_SECONDS: "0" } });
  try {
    const ann = await guest(server.url, "ann");
    const room = (await createRoom(server.url, ann.cookie, "window")).id;
    const a = await connect(server.wsUrl, ann.cookie);
    await a.join(room);
    a.send({ type: "send", room, clientId: "c1", text: "typo" });
    const ack = await a.next((f) => f.type === "ack");
    // The window is 0 s: any later moment is past it.
    await a.next((f) => f.type === "message");
    a.send({ type: "edit", room, id: ack.id, text: "fixed" });
    const err = await a.next((f) => f.type === "error");
    assert.equal(err.code, "edit_window_passed");
    const page = await api(server.url, `/api/rooms/${room}/messages`, { cookie: ann.cookie });
    assert.equal(page.body.messages[0].text, "typo");
    await a.close();
  } finally {
    await server.stop();
  }
});

Deno.test("[changes:kv] moderation - the owner mutes, removes and restores a member", async () => {
  const server = await startServer({
    env: { MAX_SOCKETS_PER_ADDRESS: "20", MAX_IDLE_SOCKETS_PER_ADDRESS: "20" },
  });
  try {
    const owner = await guest(server.url, "owner");
    const bo = await guest(server.url, "bo");
    const room = (await createRoom(server.url, owner.cookie, "moderated")).id;
    const b = await connect(server.wsUrl, bo.cookie);
    await b.join(room);
    const moderate = (cookie: string, user: string, action: string) =>
      api(server.url, `/api/rooms/${room}/members/${user}`, { cookie, body: { action } });
    // Only the owner.
    assert.equal((await moderate(bo.cookie, owner.user.id, "mute")).status, 403);
    assert.equal((await moderate(owner.cookie, bo.user.id, "mute")).status, 200);
    b.send({ type: "send", room, clientId: "m1", text: "hello?" });
    const muted = await b.next((f) => f.type === "error" && f.clientId === "m1");
    assert.equal(muted.code, "forbidden");
    assert.equal(muted.message, "The room's owner muted you");
    assert.equal((await moderate(owner.cookie, bo.user.id, "unmute")).status, 200);
    b.send({ type: "send", room, clientId: "m2", text: "back" });
    await b.next((f) => f.type === "ack" && f.clientId === "m2");
    // Removed: put out of the room at once, and refused on the next join.
    assert.equal((await moderate(owner.cookie, bo.user.id, "remove")).status, 200);
    assert.equal((await b.next((f) => f.type === "error" && f.room === room)).code, "forbidden");
    b.send({ type: "send", room, clientId: "m3", text: "still here?" });
    assert.equal((await b.next((f) => f.type === "error" && f.clientId === "m3")).code, "not_joined");
    assert.equal((await b.join(room)).type, "error");
    assert.equal((await moderate(owner.cookie, bo.user.id, "restore")).status, 200);
    assert.equal((await b.join(room)).type, "joined");
    await b.close();
  } finally {
    await server.stop();
  }
});

Deno.test("[changes] zz - stop the shared FerretDB", () => db.stop());
