// Baseline peer for the bench: a plain Node `ws` broadcast server. Join a room, broadcast to its
// members (the sender too), nothing stored. Each message is serialized once for all its readers.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 3000);
const rooms = new Map();
const http = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" }).end("ok");
});
const wss = new WebSocketServer({ server: http, path: "/ws", perMessageDeflate: false });

wss.on("connection", (ws) => {
  const joined = new Set();
  ws.on("message", (data) => {
    let frame;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return;
    }
    const room = String(frame.room ?? "");
    if (frame.type === "join") {
      if (!rooms.has(room)) rooms.set(room, new Set());
      rooms.get(room).add(ws);
      joined.add(room);
    } else if (frame.type === "send") {
      const out = JSON.stringify({ type: "message", room, text: String(frame.text ?? "") });
      for (const peer of rooms.get(room) ?? []) peer.send(out);
    }
  });
  ws.on("close", () => {
    for (const room of joined) rooms.get(room)?.delete(ws);
  });
});

http.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
