import assert from "node:assert/strict";
import { firstReplyTimes, medianMinutes } from "@/lib/support/reply_time.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";

Deno.test("[reply_time] medianMinutes - whole minutes of the median, at least one, none without data", () => {
  assert.equal(medianMinutes([]), undefined);
  assert.equal(medianMinutes([5_000]), 1);
  assert.equal(medianMinutes([30_000, 200_000, 400_000]), 4);
  assert.equal(medianMinutes([60_000, 180_000]), 2);
});

Deno.test("[reply_time] firstReplyTimes - from the visitor's first message to the first counselor reply", async () => {
  const store = await openKvStore(":memory:");
  try {
    const user = { id: "g_1", name: "Visitor", role: "guest" as const };
    const counselor = { id: "u_c", name: "mina", role: "counselor" as const };
    const conversation = await store.getOrCreateSupport(user, () => ({
      room: {
        id: "r_1",
        name: "Support",
        visibility: "support",
        ownerId: user.id,
        createdAt: "",
        lastSeq: 0,
      },
      conversation: { room: "r_1", user, state: "waiting", createdAt: "", updatedAt: "" },
    }));
    assert.deepEqual(await firstReplyTimes(store), []);
    const asked = await store.appendMessage({
      room: conversation.room,
      kind: "text",
      author: user,
      clientId: "a",
      text: "hi",
    });
    await store.appendMessage({
      room: conversation.room,
      kind: "system",
      author: counselor,
      clientId: "s",
      text: "mina joined",
    });
    const answered = await store.appendMessage({
      room: conversation.room,
      kind: "text",
      author: counselor,
      clientId: "b",
      text: "hello",
    });
    const [time] = await firstReplyTimes(store);
    assert.equal(time, Date.parse(answered.message.at) - Date.parse(asked.message.at));
  } finally {
    await store.close();
  }
});
