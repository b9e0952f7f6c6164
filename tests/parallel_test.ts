/**
 * The server as deployed: `lib/ops/server.ts` with two workers sharing a KV file, their bus a
 * MessagePort between them. Cross-isolate delivery, shutdown, restart, and the slow-reader bound.
 */
import assert from "node:assert/strict";
import { startServer, withServer } from "@/tests/support/server.ts";
import {
  api,
  concat,
  connect,
  createRoom,
  guest,
  marker,
  maskedTextFrame,
  parseFrames,
  rawUpgrade,
  type TestSocket,
} from "@/tests/support/client.ts";

/** Asks /healthz over fresh connections until every isolate answered; node id → its socket count. */
async function nodes(url: string, want = 2): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < 60 && seen.size < want; i++) {
    const { body } = await api(url, "/healthz");
    seen.set(body.node, body.hub.connections);
  }
  return seen;
}

Deno.test("[parallel] delivery - messages cross isolates exactly once, in one order; presence spans them", async () => {
  const server = await startServer({ jobs: 2 });
  const sockets: TestSocket[] = [];
  try {
    const owner = await guest(server.url, "owner");
    const room = await createRoom(server.url, owner.cookie, "crossing");
    for (let i = 0; i < 20; i++) {
      const g = await guest(server.url, `p${i}`);
      const s = await connect(server.wsUrl, g.cookie);
      await s.join(room.id);
      sockets.push(s);
    }
    const perNode = await nodes(server.url);
    assert.equal(perNode.size, 2, "two isolates answer");
    for (const [node, connections] of perNode) assert.ok(connections > 0, `isolate ${node} holds sockets`);
    // Presence spans isolates: everyone eventually sees 20 people.
    for (const s of sockets.slice(0, -1)) await s.next((f) => f.type === "presence" && f.count === 20);
    assert.equal((await sockets[0].join(room.id)).presence.count, 20, "a rejoin sees everyone");
    // Every socket sends two messages; every socket receives all 40 exactly once, in seq order.
    sockets.forEach((s, i) => {
      s.send({ type: "send", room: room.id, clientId: `a${i}`, text: `from ${i}` });
      s.send({ type: "send", room: room.id, clientId: `b${i}`, text: `again ${i}` });
    });
    for (const s of sockets) {
      const seqs: number[] = [];
      while (seqs.length < 40) seqs.push((await s.next((f) => f.type === "message", 10_000)).message.seq);
      assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i + 1));
    }
    // A duplicate would arrive before a message sent after them all.
    await marker(sockets[0], room.id, sockets, 10_000);
    for (const s of sockets) assert.equal(s.messages(room.id).length, 0, "no duplicates");
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    const exit = await server.stop();
    assert.equal(exit.code, 0);
  }
});

Deno.test("[parallel] shutdown - SIGTERM closes sockets with 1012, exits within 5 s; acked messages survive", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-restart-" });
  const kvPath = `${dir}/parley.kv`;
  const sockets: TestSocket[] = [];
  try {
    const server = await startServer({ kvPath });
    const owner = await guest(server.url, "owner");
    const room = await createRoom(server.url, owner.cookie, "durable");
    for (let i = 0; i < 10; i++) {
      const s = await connect(server.wsUrl, owner.cookie);
      await s.join(room.id);
      sockets.push(s);
    }
    assert.equal((await nodes(server.url)).size, 2);
    for (let i = 1; i <= 10; i++) {
      sockets[i - 1].send({ type: "send", room: room.id, clientId: `d${i}`, text: `${i}` });
    }
    for (const s of sockets) await s.next((f) => f.type === "ack");
    const exit = await server.stop(10_000);
    const codes = await Promise.all(sockets.map(async (s) => (await s.closed).code));
    assert.deepEqual(new Set(codes), new Set([1012]));
    assert.equal(exit.signal, null, "exited by itself, not killed");
    assert.ok(exit.ms < 5_000, `exit took ${exit.ms} ms`);
    console.log(`SIGTERM → exit in ${exit.ms} ms, code ${exit.code}`);

    const again = await startServer({ kvPath });
    try {
      const s = await connect(again.wsUrl, owner.cookie);
      sockets.push(s);
      const joined = await s.join(room.id, 0);
      assert.deepEqual(
        joined.messages.map((m: { text: string }) => m.text).sort((a: string, b: string) => +a - +b),
        [
          "1",
          "2",
          "3",
          "4",
          "5",
          "6",
          "7",
          "8",
          "9",
          "10",
        ],
      );
      await s.close();
    } finally {
      await again.stop();
    }
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[parallel] slow reader - a socket that stops reading is closed with 4008; others carry on", async () => {
  const server = await startServer({
    env: {
      // The default bound: appends stored in one commit reach a reader in one tick (4 × 15 KB here),
      // so a bound of a few messages would close a reader that is merely busy for a moment.
      MAX_BUFFERED_BYTES: "1048576",
      RATE_BURST: "1000000",
      RATE_PER_SECOND: "1000000",
      // Big messages fill the loopback socket buffers (~4 MB here) in a few hundred sends.
      MAX_TEXT_LENGTH: "15000",
      MAX_FRAME_BYTES: "65536",
    },
  });
  let raw: Deno.TcpConn | undefined;
  const sockets: TestSocket[] = [];
  try {
    const w = await guest(server.url, "writer");
    const room = await createRoom(server.url, w.cookie, "busy");
    const writer = await connect(server.wsUrl, w.cookie);
    const reader = await connect(server.wsUrl, (await guest(server.url, "reader")).cookie);
    sockets.push(writer, reader);
    await writer.join(room.id);
    await reader.join(room.id);
    const slow = await guest(server.url, "slow");
    const up = await rawUpgrade(server.wsUrl, { Cookie: slow.cookie });
    assert.equal(up.status, 101);
    raw = up.conn;
    await raw.write(maskedTextFrame(JSON.stringify({ type: "join", room: room.id })));
    await reader.next((f) => f.type === "presence" && f.count === 3);
    reader.frames.length = 0;
    // From here on the slow client reads nothing while the room gets busy.
    const text = "x".repeat(15_000);
    let sent = 0;
    let dropped = false;
    const started = performance.now();
    while (!dropped && sent < 6_000) {
      for (let i = 0; i < 4; i++) {
        writer.send({ type: "send", room: room.id, clientId: `m${sent + i}`, text });
      }
      for (let i = 0; i < 4; i++) await writer.next((f) => f.type === "ack", 10_000);
      sent += 4;
      dropped = reader.frames.some((f) => f.type === "presence" && f.count === 2);
    }
    const ms = Math.round(performance.now() - started);
    console.log(
      `slow reader dropped after ${sent} messages (${(sent * 15 / 1024).toFixed(1)} MiB), ${ms} ms`,
    );
    assert.ok(dropped, "the slow reader left presence");
    // Now read what the server wrote to the slow client: data frames, then a 4008 close, then nothing.
    let bytes = up.rest;
    const buf = new Uint8Array(256 * 1024);
    while (true) {
      const n = await raw.read(buf);
      if (n === null) break;
      bytes = concat(bytes, buf.subarray(0, n));
      const { frames } = parseFrames(bytes);
      if (frames.at(-1)?.opcode === 8) break;
    }
    const { frames } = parseFrames(bytes);
    const close = frames.at(-1)!;
    assert.equal(close.opcode, 8);
    assert.equal((close.payload[0] << 8) | close.payload[1], 4008);
    // Counted in objects: under load the server puts several messages in one frame ("\n"-separated).
    const objects = frames.slice(0, -1).flatMap((f) =>
      new TextDecoder().decode(f.payload).split("\n")
    ).length;
    assert.ok(objects > 100, `${objects} objects before the close`);
    // The reader that keeps reading got every message (the last ones may leave a few ms after their acks).
    await reader.seen((f) => f.type === "message" && f.message.seq === sent, 2_000).catch(() => {});
    const seqs = reader.messages(room.id).map((m) => m.seq);
    assert.equal(seqs.length, sent);
    assert.equal(seqs.at(-1), sent);
  } finally {
    raw?.close();
    await Promise.all(sockets.map((s) => s.close()));
    await server.stop();
  }
});

Deno.test("[parallel] metrics - one scrape reports every isolate, and the counts add up", async () => {
  await withServer(async (server) => {
    const sockets: TestSocket[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        sockets.push(await connect(server.wsUrl, (await guest(server.url, `m${i}`)).cookie));
      }
      const perNode = await nodes(server.url);
      assert.equal(perNode.size, 2, "the sockets are spread over both isolates");
      for (let scrape = 0; scrape < 3; scrape++) {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        const samples = [...text.matchAll(/^parley_connections\{node="([^"]+)"\} (\d+)$/gm)];
        assert.deepEqual(samples.map((m) => m[1]).sort(), [...perNode.keys()].sort(), text);
        assert.equal(samples.reduce((sum, m) => sum + Number(m[2]), 0), 6);
        assert.match(text, /^parley_nodes 2$/m);
      }
    } finally {
      for (const s of sockets) await s.close();
    }
  }, { jobs: 2 });
});
