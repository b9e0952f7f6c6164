import { deepEqual, equal } from "node:assert/strict";
import { LoadGen } from "./loadgen.ts";
import { oneRoom, smallRooms } from "./loops.ts";
import { QUICK } from "./options.ts";
import type { Ctx } from "./scenarios.ts";
import type { Running } from "./servers.ts";

/**
 * A broadcast server in the plain peers' protocol, in this process: it cuts one reader off with 4008
 * at the 20th send, so the run has a disconnect to report.
 */
function broadcastServer() {
  const rooms = new Map<string, Set<WebSocket>>();
  let sends = 0, cut = false;
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (req.headers.get("upgrade") !== "websocket") return new Response("ok");
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = (e) => {
      const frame = JSON.parse(String(e.data));
      const members = rooms.get(frame.room) ?? new Set<WebSocket>();
      rooms.set(frame.room, members);
      if (frame.type === "join") return members.add(socket);
      const out = JSON.stringify({ type: "message", room: frame.room, text: frame.text });
      for (const m of members) if (m.readyState === WebSocket.OPEN) m.send(out);
      if (++sends === 20 && !cut) {
        cut = true;
        const reader = [...members].find((m) => m !== socket)!;
        members.delete(reader);
        reader.close(4008, "too slow");
      }
    };
    socket.onclose = () => rooms.forEach((m) => m.delete(socket));
    return response;
  });
}

Deno.test("[bench] closed loop - small rooms and one room against a real broadcast server", async () => {
  const server = broadcastServer();
  const gen = LoadGen.start(2);
  const running: Running = {
    kind: "ws",
    pid: Deno.pid,
    base: `http://127.0.0.1:${server.addr.port}`,
    readyMs: 0,
    version: "test",
    stop: () => Promise.resolve(),
  };
  const sizes = {
    ...QUICK,
    smallRooms: 4,
    smallReaders: 2,
    inFlight: 2,
    loopSeconds: 0.5,
    latencyRate: 40,
    latencySeconds: 0.5,
    oneRoomReaders: 3,
    oneRoomMessages: 60,
  };
  const ctx: Ctx = { server: running, gen, sizes, log: () => {} };
  try {
    const small = await smallRooms(ctx);
    equal(small.loop.messagesPerSec > 0, true);
    deepEqual(small.loop.closes, { 4008: 1 });
    // The reader cut off misses its room's quarter of the sends; every other copy arrives.
    equal(small.latency.delivered < small.latency.expected, true);
    equal(small.latency.delivered >= 0.8 * small.latency.expected, true);
    deepEqual(small.latency.closes, {});
    const one = await oneRoom(ctx);
    equal(one.deliveredPct, 100);
    equal(one.messagesPerSec > 0, true);
    deepEqual(one.closes, {});
  } finally {
    await gen.stop();
    await server.shutdown();
  }
});
