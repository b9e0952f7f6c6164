// Baseline peer for the bench: Socket.IO rooms, the shape of the Node seed. Join a room, broadcast, nothing else.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 3000);
const http = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" }).end("ok");
});
const io = new Server(http, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  socket.on("join", (room) => socket.join(String(room)));
  socket.on("send", (msg) => {
    if (msg && typeof msg.room === "string") {
      io.to(msg.room).emit("message", { room: msg.room, text: msg.text });
    }
  });
});

http.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
