/**
 * `deno task start` on Deno KV acks from its journal (docs/send-path.md, "The journal"): a server
 * SIGKILLed right after its acks comes back with every acked message, in order, and knows their
 * clientIds; a second server on the same KV file is refused at start.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startServer } from "@/tests/support/server.ts";
import { connect, createRoom, guest } from "@/tests/support/client.ts";
import type { Message } from "@/lib/shared/protocol.ts";

/** The burst is the point here, not the send limit. */
const env = { RATE_BURST: "1000", RATE_PER_SECOND: "1000" };

Deno.test("[kv-journal] SIGKILL after the acks - every acked message is there after a restart, resends known", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-journal-" });
  const kvPath = `${dir}/parley.kv`;
  try {
    const first = await startServer({ kvPath, env });
    const { cookie } = await guest(first.url, "writer");
    const room = (await createRoom(first.url, cookie, `journal-${crypto.randomUUID().slice(0, 8)}`)).id;
    const socket = await connect(first.wsUrl, cookie);
    equal((await socket.join(room)).type, "joined");
    const count = 40;
    for (let i = 0; i < count; i++) socket.send({ type: "send", room, clientId: `k${i}`, text: `m${i}` });
    const acks = [];
    for (let i = 0; i < count; i++) {
      acks.push(await socket.next((f) => f.type === "ack" && f.clientId === `k${i}`));
    }
    // No goodbye: whatever KV had not taken in yet is only in the journal now.
    first.kill("SIGKILL");
    await first.stop();
    ok(acks.every((a) => typeof a.seq === "number"));

    const second = await startServer({ kvPath, env });
    try {
      const again = await connect(second.wsUrl, cookie);
      const joined = await again.join(room, 0);
      equal(joined.type, "joined", JSON.stringify(joined));
      const replayed: Message[] = [...joined.messages, ...again.messages(room)];
      while (replayed.length < count) {
        replayed.push((await again.next((f) => f.type === "message" && f.room === room)).message);
      }
      deepEqual(replayed.map((m) => m.seq), acks.map((a) => a.seq), "every acked seq, in order");
      deepEqual(replayed.map((m) => m.text), acks.map((_, i) => `m${i}`));
      // A resend from before the crash is the stored message, not a new one.
      again.send({ type: "send", room, clientId: "k7", text: "m7" });
      equal((await again.next((f) => f.type === "ack" && f.clientId === "k7")).seq, acks[7].seq);
      again.send({ type: "send", room, clientId: "after", text: "after" });
      equal((await again.next((f) => f.type === "ack" && f.clientId === "after")).seq, count + 1);
      await again.close();

      // One `deno task start` per KV file: a second one stops at start and says why.
      const refused = await startServer({ kvPath, env }).then(
        async (s) => (await s.stop(), ""),
        (error: Error) => error.message,
      );
      match(refused, /open in another Parley process/);
    } finally {
      await second.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
