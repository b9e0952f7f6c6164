/**
 * Counselors' search follows edits on the real server (`lib/ops/server.ts`, two workers): a message's
 * new text is found as soon as the edit is stored, not from the conversation's next message on, and
 * its old text no longer finds it.
 */
import assert from "node:assert/strict";
import { withServer } from "@/tests/support/server.ts";
import { api, connect, type Frame, guest } from "@/tests/support/client.ts";
import { counselorCookie } from "@/tests/support/counselor_login.ts";
import { waitFor } from "@/tests/support/wait.ts";

Deno.test("[support search] an edited message is found by its new text, not its old one", async () => {
  await withServer(async (server) => {
    const mina = await counselorCookie(server.url, server.kvPath);
    const visitor = await guest(server.url, "visitor");
    const { room } =
      (await api(server.url, "/api/support", { method: "POST", body: {}, cookie: visitor.cookie }))
        .body;
    const socket = await connect(server.wsUrl, visitor.cookie);
    try {
      await socket.join(room);
      const clientId = crypto.randomUUID();
      socket.send({ type: "send", room, clientId, text: "where is my parcel" });
      const ack = await socket.next((f) => f.type === "ack" && f.clientId === clientId);
      const search = async (q: string) =>
        ((await api(server.url, `/api/support/search?q=${encodeURIComponent(q)}`, { cookie: mina })).body
          .conversations as Frame[]).map((c) => c.room);
      await waitFor(async () => (await search("parcel")).includes(room), "the first text is indexed");

      socket.send({ type: "edit", room, id: ack.id, text: "please refund order 77" });
      await socket.next((f) => f.type === "update" && f.message.id === ack.id);
      await waitFor(async () => (await search("refund order")).includes(room), "the edited text is found");
      assert.deepEqual(await search("parcel"), []);
    } finally {
      await socket.close();
    }
  });
});
