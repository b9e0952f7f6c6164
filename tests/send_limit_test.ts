/**
 * The send limit holds per user on the real server (two isolates): a new socket, on either isolate,
 * starts with what the user has left, and a socket closed for sending past the limit has first been
 * sent the ack of every message it stored (issue 10, items 1 and 12).
 */
import assert from "node:assert/strict";
import { startServer } from "@/tests/support/server.ts";
import { api, connect, createRoom, guest, type TestSocket } from "@/tests/support/client.ts";

/** Waits until every clientId has its answer (an ack or an error) or the socket closed. */
async function answers(socket: TestSocket, clientIds: string[]): Promise<{ acked: number; closed: boolean }> {
  const open = new Set(clientIds);
  let acked = 0;
  while (open.size) {
    let frame;
    try {
      frame = await socket.next((f) => (f.type === "ack" || f.type === "error") && open.has(f.clientId));
    } catch {
      return { acked, closed: true };
    }
    open.delete(frame.clientId);
    if (frame.type === "ack") acked++;
  }
  return { acked, closed: false };
}

Deno.test("[send limit] per user - sockets opened one after another, on any isolate, share one budget", async () => {
  const burst = 5, perSecond = 1;
  const server = await startServer({
    env: { RATE_BURST: String(burst), RATE_PER_SECOND: String(perSecond) },
  });
  try {
    const g = await guest(server.url, "looper");
    const room = await createRoom(server.url, g.cookie, "loop");
    const started = performance.now();
    let acked = 0;
    const nodes = new Set<string>();
    // Connect, join, send a burst, close: the loop that stored 16,000 messages in 10 s.
    for (let round = 0; round < 8; round++) {
      const socket = await connect(server.wsUrl, g.cookie);
      await socket.join(room.id);
      const ids = Array.from({ length: burst }, (_, i) => `r${round}-${i}`);
      for (const clientId of ids) socket.send({ type: "send", room: room.id, clientId, text: clientId });
      acked += (await answers(socket, ids)).acked;
      await socket.close();
      nodes.add((await api(server.url, "/healthz")).body.node);
    }
    const seconds = (performance.now() - started) / 1000;
    const allowed = burst + Math.ceil(seconds * perSecond) + 1;
    const stored = (await api(server.url, `/api/rooms/${room.id}/messages?limit=100`, { cookie: g.cookie }))
      .body.messages.length;
    assert.equal(stored, acked, "every stored message was acked, and only those");
    assert.ok(acked <= allowed, `${acked} stored in ${seconds.toFixed(1)} s; the limit allows ${allowed}`);
    assert.ok(acked >= burst, `the burst itself goes through (${acked})`);
  } finally {
    await server.stop();
  }
});

Deno.test("[send limit] close 4029 - 100 sends at once: every stored message is acked before the close", async () => {
  const server = await startServer();
  try {
    const g = await guest(server.url, "flood");
    const room = await createRoom(server.url, g.cookie, "flood");
    const socket = await connect(server.wsUrl, g.cookie);
    await socket.join(room.id);
    for (let i = 0; i < 100; i++) {
      socket.send({ type: "send", room: room.id, clientId: `f${i}`, text: `${i}` });
    }
    const closed = await socket.closed;
    assert.equal(closed.code, 4029, `closed ${closed.code} ${closed.reason}`);
    const acks = socket.frames.filter((f) => f.type === "ack");
    const stored = (await api(server.url, `/api/rooms/${room.id}/messages?limit=100`, { cookie: g.cookie }))
      .body.messages;
    assert.equal(stored.length, 20, "the burst is stored");
    assert.deepEqual(
      acks.map((a) => [a.clientId, a.seq]).sort((a, b) => a[1] - b[1]),
      stored.map((m: { seq: number }, i: number) => [`f${i}`, m.seq]),
    );
  } finally {
    await server.stop();
  }
});
