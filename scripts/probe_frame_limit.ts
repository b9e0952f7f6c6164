/**
 * Measures how large a WebSocket message Deno's server buffers before the app sees it:
 * `deno run -A scripts/probe_frame_limit.ts`. Starts a bare `Deno.serve` + `Deno.upgradeWebSocket`
 * on a free loopback port and sends messages of growing size; prints what the app received.
 */
const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onmessage = (e) => socket.send(`received ${String(e.data).length} bytes`);
  return response;
});
const url = `ws://127.0.0.1:${server.addr.port}`;
for (const mib of [1, 16, 63, 65, 128]) {
  const ws = new WebSocket(url);
  await new Promise((resolve) => (ws.onopen = resolve));
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve("no answer in 10 s"), 10_000);
    ws.onmessage = (e) => (clearTimeout(timer), resolve(String(e.data)));
    ws.onclose = (e) => (clearTimeout(timer), resolve(`connection closed (code ${e.code})`));
    ws.send("x".repeat(mib * 1024 * 1024));
  });
  console.log(`${String(mib).padStart(4)} MiB message -> ${outcome}`);
  ws.close();
}
await server.shutdown();
