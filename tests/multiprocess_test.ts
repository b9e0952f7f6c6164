/**
 * Two Parley processes on different ports sharing one FerretDB and one redis-server behave as one
 * service: messages, typing, presence and support updates reach every socket of every process
 * exactly once; a process killed with SIGKILL leaves presence within a bounded time; a seq gap is
 * refilled from the store.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { startCluster } from "@/tests/support/cluster.ts";
import { connect, createRoom, guest, marker, type TestSocket } from "@/tests/support/client.ts";
import { until } from "@/tests/support/changes.ts";
import type { Message, UserRef } from "@/lib/shared/protocol.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Joins `count` guests to `room` on each of `urls`, in turn; returns the sockets. */
async function guests(base: string, wsUrls: string[], room: string, count: number): Promise<TestSocket[]> {
  const sockets: TestSocket[] = [];
  for (let i = 0; i < count; i++) {
    for (const ws of wsUrls) {
      const { cookie } = await guest(base, `g${i}`);
      const socket = await connect(ws, cookie);
      const joined = await socket.join(room);
      equal(joined.type, "joined", JSON.stringify(joined));
      sockets.push(socket);
    }
  }
  return sockets;
}

Deno.test("[multiprocess] messages - every socket of every process gets each message once, in seq order", async () => {
  // Process 0 runs two isolates: four nodes on the Redis bus in all.
  const cluster = await startCluster({ processes: 2, jobs: 2 });
  const sockets: TestSocket[] = [];
  try {
    const owner = await guest(cluster.url(0), "owner");
    const room =
      (await createRoom(cluster.url(0), owner.cookie, `multi-${crypto.randomUUID().slice(0, 8)}`)).id;
    sockets.push(
      ...await guests(cluster.url(0), [cluster.servers[0]!.wsUrl, cluster.servers[1]!.wsUrl], room, 3),
    );
    const perSocket = 10;
    // Every socket sends at once, so messages from both processes interleave in the room.
    await Promise.all(sockets.map(async (s, i) => {
      for (let k = 0; k < perSocket; k++) {
        s.send({ type: "send", room, clientId: `c${i}-${k}`, text: `m${i}-${k}` });
      }
      for (let k = 0; k < perSocket; k++) {
        await s.next((f) => f.type === "ack" && f.clientId === `c${i}-${k}`, 15_000);
      }
    }));
    const total = sockets.length * perSocket;
    await until(
      () => sockets.every((s) => s.messages(room).length >= total),
      15_000,
      "every message everywhere",
    );
    // A duplicate would arrive before a message sent after them all.
    await marker(sockets[0], room, sockets, 15_000);
    for (const s of sockets) {
      deepEqual(s.messages(room).map((m: Message) => m.seq), range(total), "each seq once, in order");
    }
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await cluster.stop();
  }
});

Deno.test("[multiprocess] typing and presence - cross processes exactly once", async () => {
  const cluster = await startCluster({ processes: 2 });
  const sockets: TestSocket[] = [];
  try {
    const owner = await guest(cluster.url(0), "owner");
    const room =
      (await createRoom(cluster.url(0), owner.cookie, `typing-${crypto.randomUUID().slice(0, 8)}`)).id;
    const [a, b] = await guests(
      cluster.url(0),
      [cluster.servers[0]!.wsUrl, cluster.servers[1]!.wsUrl],
      room,
      1,
    );
    sockets.push(a, b);
    await a.next((f) => f.type === "presence" && f.count === 2, 10_000);
    const atB = await b.next((f) => f.type === "presence" && f.count === 2, 10_000);
    equal(atB.members.length, 2);

    a.send({ type: "typing", room });
    const typing = await b.next((f) => f.type === "typing", 5_000);
    equal(typing.room, room);
    // A second typing frame would reach b (and an echo, a) before a message sent after it.
    await marker(a, room, [b]);
    equal(b.frames.filter((f) => f.type === "typing").length, 0, "typing arrives once");
    equal(a.frames.filter((f) => f.type === "typing").length, 0, "never echoed to the typist");

    // A third reader on process 1; the count on process 0 follows.
    const [c] = await guests(cluster.url(1), [cluster.servers[1]!.wsUrl], room, 1);
    sockets.push(c);
    await a.next((f) => f.type === "presence" && f.count === 3, 10_000);
    await c.close();
    await a.next((f) => f.type === "presence" && f.count === 2, 10_000);
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await cluster.stop();
  }
});

Deno.test("[multiprocess] presence - users of a SIGKILLed process leave within a bounded time", async () => {
  const cluster = await startCluster({ processes: 2 });
  const sockets: TestSocket[] = [];
  try {
    const owner = await guest(cluster.url(0), "owner");
    const room =
      (await createRoom(cluster.url(0), owner.cookie, `kill-${crypto.randomUUID().slice(0, 8)}`)).id;
    const [a] = await guests(cluster.url(0), [cluster.servers[0]!.wsUrl], room, 1);
    const onB = await guests(cluster.url(0), [cluster.servers[1]!.wsUrl], room, 2);
    sockets.push(a, ...onB);
    await a.next((f) => f.type === "presence" && f.count === 3, 10_000);
    const lobby = async () => (await (await fetch(`${cluster.url(0)}/api/rooms`)).json()).rooms;
    equal((await lobby()).find((r: { id: string }) => r.id === room)?.count, 3);

    a.frames.length = 0; // only what follows the kill counts
    const killedAt = Date.now();
    await cluster.kill(1); // no "bye": only the missing beats tell
    const left = await a.next((f) => f.type === "presence" && f.count === 1, 15_000);
    const ms = Date.now() - killedAt;
    deepEqual(left.members.map((m: { name: string }) => m.name), ["g0"]);
    ok(ms < 12_000, `gone from presence after ${ms} ms`);
    equal((await lobby()).find((r: { id: string }) => r.id === room)?.count, 1, "the lobby count too");
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await cluster.stop();
  }
});

Deno.test("[multiprocess] seq gap - a message the bus never carried is refilled from the store", async () => {
  const cluster = await startCluster({ processes: 2 });
  const sockets: TestSocket[] = [];
  try {
    const owner = await guest(cluster.url(0), "owner");
    const room =
      (await createRoom(cluster.url(0), owner.cookie, `gap-${crypto.randomUUID().slice(0, 8)}`)).id;
    const [a, b] = await guests(
      cluster.url(0),
      [cluster.servers[0]!.wsUrl, cluster.servers[1]!.wsUrl],
      room,
      1,
    );
    sockets.push(a, b);
    a.send({ type: "send", room, clientId: "first", text: "one" });
    await b.next((f) => f.type === "message" && f.message.seq === 1, 5_000);
    // Stored behind the hubs' backs: as if its bus event had been lost.
    const store = await cluster.store();
    await store.appendMessage({
      room,
      kind: "text",
      author: owner.user as UserRef,
      clientId: "silent",
      text: "two",
    });
    a.send({ type: "send", room, clientId: "third", text: "three" });
    const has3 = (s: TestSocket) => s.messages(room).some((m: Message) => m.seq === 3);
    await until(() => has3(a) && has3(b), 5_000, "seq 3 on both processes");
    for (const s of [a, b]) {
      const after1 = s.messages(room).filter((m: Message) => m.seq > 1);
      deepEqual(after1.map((m: Message) => m.text), ["two", "three"], "seq 2 refilled, before 3");
    }
    const metrics = await (await fetch(`${cluster.url(1)}/metrics`)).text();
    ok(/^parley_bus_gaps_refilled_total\{node="[^"]+"\} [1-9]/m.test(metrics), metrics);
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await cluster.stop();
  }
});

Deno.test("[multiprocess] support - a counselor on another process gets each queue update once", async () => {
  const cluster = await startCluster({ processes: 2 });
  const sockets: TestSocket[] = [];
  try {
    const counselor = await cluster.session("Mina", "counselor");
    const console0 = await connect(cluster.servers[0]!.wsUrl, counselor.cookie);
    sockets.push(console0);
    const user = await guest(cluster.url(1), "asker");
    const res = await fetch(`${cluster.url(1)}/api/support`, {
      method: "POST",
      headers: { cookie: user.cookie },
    });
    equal(res.status < 300, true, await res.clone().text());
    const { room } = await res.json();
    const userSocket = await connect(cluster.servers[1]!.wsUrl, user.cookie);
    sockets.push(userSocket);
    equal((await userSocket.join(room)).type, "joined");
    userSocket.send({ type: "send", room, clientId: "q1", text: "Which course fits me?" });
    const line = await console0.next((f) => f.type === "support" && f.conversation.room === room, 10_000);
    equal(line.conversation.state, "waiting");
    equal(line.conversation.lastMessage.seq, 1);
    // The next change's update proves the first one's duplicate, had there been one, came before it.
    userSocket.send({ type: "send", room, clientId: "q2", text: "And when does it start?" });
    const next = await console0.next((f) => f.type === "support" && f.conversation.room === room, 10_000);
    equal(next.conversation.lastMessage.seq, 2, "one update per change");
    equal(console0.frames.filter((f) => f.type === "support").length, 0, "one update per change");
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await cluster.stop();
  }
});
