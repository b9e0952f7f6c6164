/**
 * The sockets-per-session limit (MAX_SOCKETS_PER_SESSION) crossed over real WebSockets: on both
 * stores in-process, and on the real server (`lib/ops/server.ts`), whose workers share the count.
 */
import assert from "node:assert/strict";
import { CloseCode } from "@/lib/shared/protocol.ts";
import { onBothStores } from "@/tests/support/app.ts";
import { connect, guest, type TestSocket } from "@/tests/support/client.ts";
import { withServer } from "@/tests/support/server.ts";

async function assertUsable(ws: TestSocket) {
  ws.send({ type: "ping" });
  await ws.next((f) => f.type === "pong");
}

onBothStores((kind, open) => {
  Deno.test(`[limits:${kind}] sockets per session - one past the limit closes 4030; others unaffected`, async () => {
    const t = await open({ env: { MAX_SOCKETS_PER_SESSION: "3" } });
    const sockets: TestSocket[] = [];
    try {
      const { wsUrl } = t.listen();
      const a = t.client();
      assert.equal((await a.post("/api/session", { nickname: "many tabs" })).status, 201);
      for (let i = 0; i < 3; i++) sockets.push(await connect(wsUrl, a.cookie));
      for (const ws of sockets) await assertUsable(ws);

      const extra = await connect(wsUrl, a.cookie);
      sockets.push(extra);
      assert.equal((await extra.closed).code, CloseCode.tooManySockets);
      for (const ws of sockets.slice(0, 3)) await assertUsable(ws);

      // Another session of the same address has its own allowance.
      const b = t.client();
      assert.equal((await b.post("/api/session", { nickname: "other" })).status, 201);
      const other = await connect(wsUrl, b.cookie);
      sockets.push(other);
      await assertUsable(other);

      // Closing one tab frees a place.
      await sockets[0].close();
      let replacement: TestSocket | undefined;
      // The server frees the place when it handles the close, a moment after the client saw it: each
      // refused attempt is a full round trip, which is the wait.
      for (let i = 0; i < 200 && !replacement; i++) {
        const ws = await connect(wsUrl, a.cookie);
        sockets.push(ws);
        if (!ws.closeEvent) replacement = ws;
      }
      assert.ok(replacement, "a freed place is given to the next socket");
      await assertUsable(replacement);
    } finally {
      for (const ws of sockets) await ws.close();
      await t.close();
    }
  });
});

Deno.test("[limits:parallel] sockets per session - the limit holds across the isolates of one server", async () => {
  await withServer(async (server) => {
    const { cookie } = await guest(server.url, "many tabs");
    const sockets: TestSocket[] = [];
    try {
      // Each socket is a new TCP connection, which the kernel hands to either isolate; counted per
      // isolate, about 8 of these would be let in.
      for (let i = 0; i < 8; i++) {
        const ws = await connect(server.wsUrl, cookie);
        sockets.push(ws);
        // An accepted socket answers a ping. Then a pause, as between tabs a person opens: the other
        // isolate hears of a new socket within a millisecond or so; two opens closer than that can
        // both get in (README, "The limits hold for the whole deployment").
        if (!ws.closeEvent) await assertUsable(ws).catch(() => {});
        // Fixed pause: the other isolate hears of the socket over BroadcastChannel, and nothing a
        // client can see says when it has.
        await delay(50);
      }
      // Refused sockets are closed as they open; a socket that answers a ping was let in.
      const closes = await Promise.all(
        sockets.map((ws) =>
          ws.closeEvent ? ws.closeEvent.code : assertUsable(ws).then(() => "open", () => ws.closeEvent?.code)
        ),
      );
      assert.deepEqual(closes.filter((c) => c === "open").length, 4, `sockets ended as ${closes}`);
      assert.deepEqual(closes.filter((c) => c === CloseCode.tooManySockets).length, 4);
    } finally {
      for (const ws of sockets) await ws.close();
    }
  }, { env: { MAX_SOCKETS_PER_SESSION: "4" } });
});

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
