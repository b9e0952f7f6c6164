/**
 * The HTTP side of `lib/ops/server.ts` (what `deno task start` runs: `node:http` and `@hono/node-server`, not
 * `deno serve`) on the real server: HEAD, compression, cookies, a body refused (413) from its
 * Content-Length before it is sent, and Server-Sent Events that stream (the lobby's counts).
 */
import * as assert from "node:assert/strict";
import { withServer } from "@/tests/support/server.ts";
import { connect, createRoom, guest } from "@/tests/support/client.ts";

/** Sends a request head on a raw connection and reads the answer's head (the body is never sent). */
async function headOnly(url: string, lines: string[]): Promise<string> {
  const u = new URL(url);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  try {
    await conn.write(new TextEncoder().encode([...lines, `Host: ${u.host}`, "", ""].join("\r\n")));
    let text = "";
    const buf = new Uint8Array(4096);
    while (!text.includes("\r\n\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return text;
  } finally {
    conn.close();
  }
}

Deno.test("[server] node:http - HEAD, compression, cookies, 413 before the body, streaming SSE", async () => {
  await withServer(async (server) => {
    const head = await fetch(`${server.url}/`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.match(head.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(await head.text(), "");

    const page = await fetch(`${server.url}/`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(page.headers.get("content-encoding"), "gzip");
    assert.match(await page.text(), /<html/);

    const alice = await guest(server.url, "alice");
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie: alice.cookie } });
    assert.equal((await me.json()).name, "alice");

    const room = await createRoom(server.url, alice.cookie, "lobby-sse");
    // 50 MB announced, not one byte sent: the answer comes from the header alone.
    const refused = await headOnly(server.url, [
      `POST /api/rooms/${room.id}/files HTTP/1.1`,
      `Cookie: ${alice.cookie}`,
      `Origin: ${server.url}`,
      "Content-Type: multipart/form-data; boundary=x",
      "Content-Length: 50000000",
    ]);
    assert.match(refused, /^HTTP\/1\.1 413 /);

    const events = await fetch(`${server.url}/api/rooms/events`, {
      headers: { accept: "text/event-stream" },
    });
    assert.match(events.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    const nextData = async () => {
      let text = "";
      while (!/^data: .*\n\n/m.test(text)) text += (await reader.read()).value ?? "";
      return JSON.parse(text.match(/^data: (.*)$/m)![1]);
    };
    assert.equal((await nextData()).full, true);
    // A join changes the room's count: the change arrives on the open stream.
    const socket = await connect(server.wsUrl, alice.cookie);
    await socket.join(room.id);
    let change = await nextData();
    while (change.rooms[room.id] === undefined) change = await nextData();
    assert.equal(change.rooms[room.id], 1);
    await reader.cancel();
    await socket.close();
  });
});
