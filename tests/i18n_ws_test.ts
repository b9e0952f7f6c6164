/** WebSocket `error` frames in the language of the page that opened the socket, codes unchanged. */
import assert from "node:assert/strict";
import { testApp } from "@/tests/support/app.ts";
import { connect, createRoom, guest } from "@/tests/support/client.ts";

Deno.test({
  name: "[i18n] ws - error frames speak the socket's language; the code stays the same",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const t = await testApp();
    try {
      const { url, wsUrl } = t.listen();
      const { cookie } = await guest(url, "mina");
      const room = await createRoom(url, cookie, `ws-${crypto.randomUUID().slice(0, 6)}`);
      const answers: Record<string, string[]> = {};
      for (const lang of ["ko", "en"]) {
        const ws = await connect(wsUrl, `${cookie}; lang=${lang}`);
        ws.send({ type: "send", room: room.id, clientId: "c1", text: "hi" });
        const notJoined = await ws.next((f) => f.type === "error");
        await ws.join(room.id);
        ws.send({ type: "send", room: room.id, clientId: "c2", text: "   " });
        const empty = await ws.next((f) => f.type === "error");
        ws.send("not json");
        const bad = await ws.next((f) => f.type === "error");
        assert.deepEqual([notJoined.code, empty.code, bad.code], ["not_joined", "bad_request", "bad_frame"]);
        answers[lang] = [notJoined.message, empty.message, bad.message];
        await ws.close();
      }
      assert.deepEqual(answers.en, ["Join the room first", "Enter a message", "Frame is not valid JSON"]);
      assert.deepEqual(answers.ko, [
        "먼저 방에 들어가 주세요",
        "메시지를 입력해 주세요",
        "올바른 JSON 프레임이 아니에요",
      ]);
    } finally {
      await t.close();
    }
  },
});
