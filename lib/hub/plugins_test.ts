import assert from "node:assert/strict";
import { cluster, type FakeSocket, randomSession } from "@/tests/support/hub.ts";
import type { HubPlugin } from "@/lib/hub/plugins.ts";
import type { Message } from "@/lib/shared/protocol.ts";

async function joined(socket: FakeSocket, room: string) {
  socket.client({ type: "join", room });
  return await socket.next((f) => f.type === "joined" && f.room === room);
}

Deno.test("[hub] plugins - handed in at construction; only rooms a plugin watches reach it, after the ack", async () => {
  const seen: Message[] = [];
  const asked: string[] = [];
  let stored: (() => void) | undefined;
  const recorder: HubPlugin = {
    name: "recorder",
    watches: (room) => (asked.push(room.id), room.visibility === "private"),
    onMessageStored(message) {
      seen.push(message);
      stored?.();
    },
    resolveProgram: (id) =>
      Promise.resolve(
        id === "p1"
          ? { id, title: "P", startsAt: "", endsAt: "", price: 0, currency: "KRW", url: "/" }
          : null,
      ),
  };
  const c = await cluster({ plugins: [recorder] });
  try {
    const session = randomSession("counselor");
    const chat = await c.store.createRoom({ name: "chat", visibility: "public", ownerId: "u0" });
    const quiet = await c.store.createRoom({ name: "quiet", visibility: "private", ownerId: session.userId });
    const socket = c.connect(c.a, session);
    await joined(socket, chat.id);
    await joined(socket, quiet.id);
    socket.client({ type: "send", room: chat.id, clientId: "c1", text: "in chat" });
    await socket.next((f) => f.type === "ack" && f.clientId === "c1");
    const reached = new Promise<void>((resolve) => stored = resolve);
    socket.client({ type: "send", room: quiet.id, clientId: "c2", program: "p1" });
    await socket.next((f) => f.type === "ack" && f.clientId === "c2");
    await reached;
    assert.deepEqual(seen.map((m) => [m.room, m.kind, m.program?.id]), [[quiet.id, "program", "p1"]]);
    assert.deepEqual(asked.sort(), [chat.id, quiet.id].sort(), "asked once per room, on its first join");
    socket.client({ type: "send", room: quiet.id, clientId: "c3", program: "nope" });
    assert.equal((await socket.next((f) => f.type === "error" && f.clientId === "c3")).code, "not_found");
  } finally {
    await c.close();
  }
});
