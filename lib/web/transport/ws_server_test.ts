import * as assert from "node:assert/strict";
import { createServer } from "node:http";
import { handleUpgrades } from "@/lib/web/transport/ws_server.ts";
import type { HubSocket, WsEnv } from "@/lib/web/transport/types.ts";
import { SharedFrame } from "@/lib/web/transport/frame.ts";

/** A node:http server whose "app" accepts /ok (echoing), refuses /no with 403, and closes /bye at once. */
async function serve(idleTimeout = 30) {
  const sockets: HubSocket[] = [];
  const server = createServer((_req, res) => res.end("plain"));
  const stop = handleUpgrades(server, (request: Request, env: WsEnv) => {
    const path = new URL(request.url).pathname;
    if (path === "/no") return Response.json({ error: { code: "forbidden_origin" } }, { status: 403 });
    const { socket, response } = env.accept!({ tooLargeReason: "Frame over 64 bytes" });
    sockets.push(socket);
    if (path === "/bye") socket.addEventListener("open", () => socket.close(4401, "Start a session first"));
    socket.addEventListener("message", (e) => socket.send(`echo ${e.data}`));
    return response;
  }, { maxPayload: 64, idleTimeout });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1" }, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => (stop(), server.close(() => resolve()), server.closeAllConnections())),
  };
}

function open(url: string) {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  const opened = new Promise<void>((resolve) => ws.onopen = () => resolve());
  const closed = new Promise<CloseEvent>((resolve) => ws.onclose = resolve);
  const next = () =>
    new Promise<string>((resolve) =>
      ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true })
    );
  ws.onmessage = (e) => messages.push(String(e.data));
  return { ws, opened, closed, next };
}

Deno.test("[transport/ws] socket - opens, carries text both ways, closes with the app's code", async () => {
  const s = await serve();
  try {
    const c = open(`${s.url}/ok`);
    await c.opened;
    const hub = s.sockets[0];
    assert.equal(hub.readyState, 1);
    const reply = c.next();
    c.ws.send("hi 안녕");
    assert.equal(await reply, "echo hi 안녕");
    assert.equal(hub.bufferedAmount >= 0, true);
    const serverSide = new Promise<CloseEvent>((r) => hub.addEventListener("close", r, { once: true }));
    hub.close(4008, "Too slow");
    assert.deepEqual([(await c.closed).code, (await c.closed).reason], [4008, "Too slow"]);
    assert.equal((await serverSide).code, 4008);
    assert.equal(hub.readyState, 3);
  } finally {
    await s.close();
  }
});

Deno.test("[transport/ws] upgrade - a refusal is the app's own answer; a close asked in open is sent", async () => {
  const s = await serve();
  try {
    const res = await fetch(`${s.url.replace("ws", "http")}/no`, {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.code, "forbidden_origin");
    const bye = open(`${s.url}/bye`);
    const closed = await bye.closed;
    assert.deepEqual([closed.code, closed.reason], [4401, "Start a session first"]);
  } finally {
    await s.close();
  }
});

Deno.test("[transport/ws] limits - a frame over maxPayload closes with 1009 and the app's reason", async () => {
  const s = await serve();
  try {
    const c = open(`${s.url}/ok`);
    await c.opened;
    c.ws.send("x".repeat(65));
    const closed = await c.closed;
    assert.deepEqual([closed.code, closed.reason], [1009, "Frame over 64 bytes"]);
    // The hub hears the close too (its counters are released on it).
    await new Promise((r) =>
      s.sockets[0].readyState === 3 ? r(0) : s.sockets[0].addEventListener("close", r)
    );
  } finally {
    await s.close();
  }
});

Deno.test("[transport/ws] keep-alive - a peer that answers no ping is dropped", async () => {
  const s = await serve(1);
  try {
    // A raw handshake and then silence: no pong ever goes back.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(s.url).port) });
    await conn.write(new TextEncoder().encode(
      "GET /ok HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    ));
    const buf = new Uint8Array(1024);
    const started = Date.now();
    while ((await conn.read(buf).catch(() => null)) !== null) { /* the 101 and pings */ }
    conn.close();
    const ms = Date.now() - started;
    assert.ok(ms >= 900 && ms < 5_000, `dropped after ${ms} ms`);
    assert.equal(s.sockets[0].readyState, 3);
  } finally {
    await s.close();
  }
});

Deno.test("[transport/ws] shared frames - every length form and Hangul arrive whole, in order with ws's own sends, then the close", async () => {
  const s = await serve();
  try {
    const readers = [open(`${s.url}/ok`), open(`${s.url}/ok`)];
    await Promise.all(readers.map((r) => r.opened));
    const received = readers.map((r) => {
      const got: string[] = [];
      r.ws.onmessage = (e) => got.push(String(e.data));
      return got;
    });
    // 0, 125 (7-bit length), 126 and 65,535 (16-bit), 65,536 (64-bit) bytes; "한" is 3 bytes of UTF-8.
    const texts = ["", "a".repeat(125), "b".repeat(126), "한".repeat(21_845), "c".repeat(65_536), "안녕 hi"];
    const sent: string[] = [];
    for (const [i, text] of texts.entries()) {
      const frame = new SharedFrame(text);
      for (const hub of s.sockets) hub.sendShared!(frame);
      sent.push(text);
      // Interleaved with ws.send: a shared frame must not overtake it, nor it a shared frame.
      for (const hub of s.sockets) hub.send(`plain ${i}`);
      sent.push(`plain ${i}`);
    }
    for (const hub of s.sockets) hub.close(4008, "Too slow");
    const closes = await Promise.all(readers.map((r) => r.closed));
    for (const got of received) assert.deepEqual(got, sent);
    assert.deepEqual(closes.map((c) => c.code), [4008, 4008]);
    assert.throws(() => s.sockets[0].sendShared!(new SharedFrame("late")), /not open/);
  } finally {
    await s.close();
  }
});
