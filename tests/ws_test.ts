/** `GET /ws` against the real server (`lib/ops/server.ts`, as `deno task start`), line by line of SPEC.md. */
import assert from "node:assert/strict";
import { startServer } from "@/tests/support/server.ts";
import { api, connect, createRoom, guest, rawUpgrade, type TestSocket } from "@/tests/support/client.ts";

Deno.test("[ws] protocol - every SPEC line about /ws", async (t) => {
  const server = await startServer();
  const open: TestSocket[] = [];
  const client = async (cookie?: string, headers?: Record<string, string>) => {
    const s = await connect(server.wsUrl, cookie, headers);
    open.push(s);
    return s;
  };
  try {
    const ann = await guest(server.url, "ann");
    const bo = await guest(server.url, "bo");
    const room = await createRoom(server.url, ann.cookie, "general");

    await t.step("join gives the latest messages and presence; leave stops delivery", async () => {
      const a = await client(ann.cookie);
      const joined = await a.join(room.id);
      assert.equal(joined.type, "joined");
      assert.deepEqual(joined.messages, []);
      assert.equal(joined.seq, 0);
      assert.deepEqual(joined.presence.members.map((m: { id: string }) => m.id), [ann.user.id]);
      const b = await client(bo.cookie);
      assert.equal((await b.join(room.id)).presence.count, 2);
      assert.equal((await a.next((f) => f.type === "presence" && f.count === 2)).room, room.id);
      b.send({ type: "leave", room: room.id });
      await a.next((f) => f.type === "presence" && f.count === 1);
      a.send({ type: "send", room: room.id, clientId: "after-leave", text: "hi" });
      await a.next((f) => f.type === "ack");
      b.send({ type: "ping" });
      await b.next((f) => f.type === "pong");
      assert.equal(b.messages(room.id).length, 0);
      await a.close();
      await b.close();
    });

    await t.step(
      "send is acked after storing; the author comes from the session; retries dedupe",
      async () => {
        const a = await client(ann.cookie);
        const b = await client(bo.cookie);
        await a.join(room.id);
        await b.join(room.id);
        a.send({
          type: "send",
          room: room.id,
          clientId: "c-1",
          text: "hello",
          author: { id: "x", name: "mallory" },
        });
        const ack = await a.next((f) => f.type === "ack");
        const got = await b.next((f) => f.type === "message");
        assert.equal(got.message.seq, ack.seq);
        assert.equal(got.message.id, ack.id);
        assert.deepEqual(got.message.author, { id: ann.user.id, name: "ann", role: "guest" });
        const stored = await api(server.url, `/api/rooms/${room.id}/messages?limit=10`, {
          cookie: bo.cookie,
        });
        assert.equal(stored.body.messages.at(-1).id, ack.id);
        a.send({ type: "send", room: room.id, clientId: "c-1", text: "hello" });
        assert.deepEqual(await a.next((f) => f.type === "ack"), ack);
        b.send({ type: "ping" });
        await b.next((f) => f.type === "pong");
        await a.next((f) => f.type === "message");
        assert.equal(b.messages(room.id).length + a.messages(room.id).length, 0, "no second message");
        await a.close();
        await b.close();
      },
    );

    await t.step("typing reaches others, not the sender; ping gets pong", async () => {
      const a = await client(ann.cookie);
      const b = await client(bo.cookie);
      await a.join(room.id);
      await b.join(room.id);
      a.send({ type: "typing", room: room.id });
      assert.equal((await b.next((f) => f.type === "typing")).user.id, ann.user.id);
      a.send({ type: "ping" });
      await a.next((f) => f.type === "pong");
      assert.equal(a.frames.some((f) => f.type === "typing"), false);
      await a.close();
      await b.close();
    });

    await t.step("bad frames get an error and the socket stays open; text limits", async () => {
      const a = await client(ann.cookie);
      await a.join(room.id);
      for (const bad of ["not json", '{"type":"dance"}', `{"type":"send","room":"${room.id}"}`]) {
        a.send(bad);
        assert.equal((await a.next((f) => f.type === "error")).code, "bad_frame");
      }
      for (
        const [text, code] of [["", "bad_request"], ["   ", "bad_request"], ["x".repeat(2001), "too_large"]]
      ) {
        a.send({ type: "send", room: room.id, clientId: `len-${text.length}`, text });
        const err = await a.next((f) => f.type === "error");
        assert.equal(err.code, code);
        assert.equal(err.clientId, `len-${text.length}`);
      }
      a.send({ type: "send", room: room.id, clientId: "len-2000", text: "가".repeat(2000) });
      assert.equal((await a.next((f) => f.type === "ack")).clientId, "len-2000");
      assert.equal(a.closeEvent, undefined);
      await a.close();
    });

    await t.step("a frame over 16 KiB closes the socket with 1009", async () => {
      const a = await client(ann.cookie);
      a.send(JSON.stringify({ type: "ping", pad: "x".repeat(17 * 1024) }));
      assert.equal((await a.closed).code, 1009);
    });

    await t.step(
      "a foreign Origin gets 403 before the upgrade; the own origin and none are let in",
      async () => {
        const foreign = await rawUpgrade(server.wsUrl, { Origin: "http://evil.example", Cookie: ann.cookie });
        assert.equal(foreign.status, 403);
        assert.match(new TextDecoder().decode(foreign.rest), /forbidden_origin/);
        foreign.conn.close();
        const own = await rawUpgrade(server.wsUrl, { Origin: server.url, Cookie: ann.cookie });
        assert.equal(own.status, 101);
        own.conn.close();
        // Forwarded headers are believed only from TRUSTED_PROXIES (none here): see limits_ws_test.ts.
        const proxied = await rawUpgrade(server.wsUrl, {
          Origin: "https://chat.example",
          "X-Forwarded-Host": "chat.example",
          "X-Forwarded-Proto": "https",
          Cookie: ann.cookie,
        });
        assert.equal(proxied.status, 403);
        proxied.conn.close();
      },
    );

    await t.step("no session cookie: upgraded, then closed with 4401", async () => {
      const anon = await client();
      assert.equal((await anon.closed).code, 4401);
      const bogus = await client("parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
      assert.equal((await bogus.closed).code, 4401);
    });

    await t.step("past the burst: rate_limited and not stored; sustained abuse closes 4029", async () => {
      // The budget is the user's (every socket, every isolate): a user who has not sent yet.
      const rita = await guest(server.url, "rita");
      const r = await createRoom(server.url, rita.cookie, "ratelimit");
      const a = await client(rita.cookie);
      await a.join(r.id);
      for (let i = 0; i < 24; i++) a.send({ type: "send", room: r.id, clientId: `b${i}`, text: `${i}` });
      const limited = await a.next((f) => f.type === "error" && f.code === "rate_limited");
      assert.equal(limited.clientId, "b20");
      // Every send is answered (ack or error) once the hub is done with it: then the store is final.
      for (let i = 0; i < 24; i++) {
        if (i !== 20) await a.next((f) => (f.type === "ack" || f.type === "error") && f.clientId === `b${i}`);
      }
      const stored = await api(server.url, `/api/rooms/${r.id}/messages?limit=100`, { cookie: rita.cookie });
      const after = await api(server.url, `/api/rooms/${r.id}/messages?limit=100`, { cookie: rita.cookie });
      assert.equal(after.body.messages.length, 20, `stored ${stored.body.messages.length}`);
      for (let i = 0; i < 60; i++) a.send({ type: "send", room: r.id, clientId: `z${i}`, text: "x" });
      const ev = await a.closed;
      assert.equal(ev.code, 4029, `closed ${ev.code} ${ev.reason} clean=${ev.wasClean}`);
      const final = await api(server.url, `/api/rooms/${r.id}/messages?limit=100`, { cookie: rita.cookie });
      assert.equal(final.body.messages.length, 20);
    });

    await t.step("reconnect with since gets every later message exactly once", async () => {
      const r = await createRoom(server.url, ann.cookie, "since");
      const reader = await client(bo.cookie);
      const writer = await client(ann.cookie);
      await writer.join(r.id);
      await reader.join(r.id);
      for (let i = 1; i <= 5; i++) writer.send({ type: "send", room: r.id, clientId: `s${i}`, text: `${i}` });
      let lastSeen = 0;
      for (let i = 1; i <= 5; i++) lastSeen = (await reader.next((f) => f.type === "message")).message.seq;
      await reader.close();
      for (let i = 6; i <= 15; i++) {
        writer.send({ type: "send", room: r.id, clientId: `s${i}`, text: `${i}` });
      }
      for (let i = 6; i <= 15; i++) await writer.next((f) => f.type === "ack" && f.clientId === `s${i}`);
      const again = await client(bo.cookie);
      const joined = await again.join(r.id, lastSeen);
      writer.send({ type: "send", room: r.id, clientId: "s16", text: "16" });
      const seqs = joined.messages.map((m: { seq: number }) => m.seq);
      while (seqs.at(-1) !== 16) seqs.push((await again.next((f) => f.type === "message")).message.seq);
      assert.deepEqual(seqs, Array.from({ length: 11 }, (_, i) => i + 6));
    });
  } finally {
    await Promise.all(open.map((s) => s.close()));
    const exit = await server.stop();
    assert.equal(exit.code, 0, `server exit ${JSON.stringify(exit)}\n${server.output()}`);
  }
});
