/**
 * One contract, both WebSocket transports on the real server: `ws` on `node:http` (`lib/ops/server.ts`, what
 * `deno task start` runs) and Deno's native one (`deno serve --parallel main.ts`, as `deno task dev`
 * and Deno Deploy). Upgrade, origin refusal, send and receive, close codes, backpressure (4008) and the
 * app's frame limit (1009) behave alike; the ws transport also refuses an oversized frame from its
 * header, before its body arrives (the native one reads up to 64 MiB first, see docs/limits.md).
 */
import * as assert from "node:assert/strict";
import { startServer, type Transport } from "@/tests/support/server.ts";
import {
  concat,
  connect,
  createRoom,
  guest,
  maskedTextFrame,
  parseFrames,
  rawUpgrade,
  type TestSocket,
} from "@/tests/support/client.ts";
import { CloseCode } from "@/lib/shared/protocol.ts";
import { waitFor } from "@/tests/support/wait.ts";

const MAX_FRAME = 65_536;

/** Reads a raw connection until the server's close frame (or the end); returns its code and reason. */
async function readClose(conn: Deno.TcpConn, start: Uint8Array): Promise<{ code: number; reason: string }> {
  let bytes = start;
  const buf = new Uint8Array(256 * 1024);
  while (parseFrames(bytes).frames.at(-1)?.opcode !== 8) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) break;
    bytes = concat(bytes, buf.subarray(0, n));
  }
  const close = parseFrames(bytes).frames.at(-1);
  if (close?.opcode !== 8) return { code: 0, reason: "" };
  return {
    code: (close.payload[0] << 8) | close.payload[1],
    reason: new TextDecoder().decode(close.payload.subarray(2)),
  };
}

for (const transport of ["ws", "native"] as Transport[]) {
  Deno.test(`[transport] ${transport} - the WebSocket contract`, async (t) => {
    const server = await startServer({
      transport,
      env: {
        MAX_FRAME_BYTES: String(MAX_FRAME),
        MAX_BUFFERED_BYTES: "1048576",
        RATE_BURST: "1000000",
        RATE_PER_SECOND: "1000000",
        MAX_TEXT_LENGTH: "15000",
        MAX_SOCKETS_PER_SESSION: "2",
      },
    });
    const sockets: TestSocket[] = [];
    try {
      const alice = await guest(server.url, "alice");
      const room = await createRoom(server.url, alice.cookie, `contract-${transport}`);

      await t.step("upgrade, then send and receive in a room", async () => {
        const a = await connect(server.wsUrl, alice.cookie);
        const b = await connect(server.wsUrl, (await guest(server.url, "bob")).cookie);
        sockets.push(a, b);
        assert.equal((await a.join(room.id)).type, "joined");
        assert.equal((await b.join(room.id)).type, "joined");
        a.send({ type: "send", room: room.id, clientId: "c1", text: "hello 안녕" });
        const ack = await a.next((f) => f.type === "ack" && f.clientId === "c1");
        const got = await b.next((f) => f.type === "message" && f.message.text === "hello 안녕");
        assert.equal(got.message.seq, ack.seq);
        assert.equal(got.message.author.name, "alice");
      });

      await t.step("a foreign Origin gets 403 with the app's answer, and no upgrade", async () => {
        const up = await rawUpgrade(server.wsUrl, { Origin: "https://evil.example", Cookie: alice.cookie });
        up.conn.close();
        assert.equal(up.status, 403);
        assert.equal(JSON.parse(new TextDecoder().decode(up.rest)).error.code, "forbidden_origin");
      });

      await t.step("close codes: no session 4401, past the session's sockets 4030", async () => {
        const anonymous = await connect(server.wsUrl);
        assert.equal((await anonymous.closed).code, CloseCode.unauthorized);
        const third = await connect(server.wsUrl, alice.cookie);
        sockets.push(third);
        const fourth = await connect(server.wsUrl, alice.cookie);
        assert.equal((await fourth.closed).code, CloseCode.tooManySockets);
        await third.close();
      });

      await t.step("a frame over MAX_FRAME_BYTES closes with 1009 and the app's reason", async () => {
        const s = await connect(server.wsUrl, (await guest(server.url, "big")).cookie);
        s.send("x".repeat(MAX_FRAME + 1));
        const closed = await s.closed;
        assert.equal(closed.code, CloseCode.tooLarge);
        assert.equal(closed.reason, `Frame over ${MAX_FRAME} bytes`);
        // A frame at the limit is read (and refused as a frame, not as a size).
        const ok = await connect(server.wsUrl, (await guest(server.url, "edge")).cookie);
        sockets.push(ok);
        const head = `{"type":"nope","pad":"`;
        ok.send(`${head}${"x".repeat(MAX_FRAME - head.length - 2)}"}`);
        assert.equal((await ok.next()).type, "error");
        assert.equal(ok.closeEvent, undefined);
      });

      await t.step("backpressure: a socket that stops reading is closed with 4008", async () => {
        const writer = sockets[0];
        const slow = await guest(server.url, "slow");
        const up = await rawUpgrade(server.wsUrl, { Cookie: slow.cookie });
        assert.equal(up.status, 101);
        try {
          await up.conn.write(maskedTextFrame(JSON.stringify({ type: "join", room: room.id })));
          await sockets[1].next((f) => f.type === "presence" && f.count === 3);
          sockets[1].frames.length = 0;
          const text = "x".repeat(15_000);
          let dropped = false;
          for (let sent = 0; !dropped && sent < 6_000; sent += 4) {
            for (let i = 0; i < 4; i++) {
              writer.send({ type: "send", room: room.id, clientId: `m${sent + i}`, text });
            }
            for (let i = 0; i < 4; i++) await writer.next((f) => f.type === "ack", 10_000);
            dropped = sockets[1].frames.some((f) => f.type === "presence" && f.count === 2);
          }
          assert.ok(dropped, "the slow reader left the room");
          assert.equal((await readClose(up.conn, up.rest)).code, CloseCode.slowReader);
        } finally {
          up.conn.close();
        }
      });

      if (transport === "ws") {
        await t.step("ws: a 60 MB frame is refused from its header, before its body is sent", async () => {
          const big = await guest(server.url, "huge");
          const up = await rawUpgrade(server.wsUrl, { Cookie: big.cookie });
          assert.equal(up.status, 101);
          try {
            // The header of a masked 60 MB text frame, and not one byte of its body.
            const header = new Uint8Array(14);
            header.set([0x81, 0x80 | 127]);
            new DataView(header.buffer).setBigUint64(2, 60_000_000n);
            await up.conn.write(header);
            assert.deepEqual(await readClose(up.conn, up.rest), {
              code: CloseCode.tooLarge,
              reason: `Frame over ${MAX_FRAME} bytes`,
            });
          } finally {
            up.conn.close();
          }
          // Its counters are given back once the cut connection is gone: the session holds its whole
          // MAX_SOCKETS_PER_SESSION (2) again.
          const pair = await waitFor(async () => {
            const two = [await connect(server.wsUrl, big.cookie), await connect(server.wsUrl, big.cookie)];
            // A refused one is closed (4030) right after it opens: a join answered tells them apart.
            const joined = await Promise.all(two.map((s) => s.join(room.id).then(() => true, () => false)));
            if (joined.every(Boolean)) return two;
            await Promise.all(two.map((s) => s.close()));
          }, "the refused socket's session count to be released");
          sockets.push(...pair);
        });
      }

      await t.step("shutdown closes open sockets with 1012", async () => {
        const open = sockets[0];
        const stopped = server.stop();
        assert.equal((await open.closed).code, CloseCode.restart);
        assert.equal((await stopped).code, 0);
      });
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await server.stop();
    }
  });
}
