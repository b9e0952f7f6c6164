import assert from "node:assert/strict";
import { IMMEDIATE_MAX_READERS, LiveRooms } from "./live_rooms.ts";
import { setImmediate } from "node:timers";
import { Connection, type ConnectionHost } from "./connection.ts";
import type { Message } from "../shared/protocol.ts";
import type { Session, Store } from "../store/types.ts";

/** Resolved at every frame a fake socket sends, so tests wait for frames rather than for time. */
let sent = Promise.withResolvers<void>();

/** Resolves once `frames` holds `count` frames. */
async function framesReach(frames: string[], count: number): Promise<void> {
  while (frames.length < count) await sent.promise;
}

function fakeConn(frames: string[]): Connection {
  const host = {
    config: { maxBufferedBytes: 1 << 20 },
    counters: { messagesOut: 0, sendErrors: 0 },
    detach() {},
  } as unknown as ConnectionHost;
  const send = (raw: string) => {
    frames.push(raw);
    const woken = sent;
    sent = Promise.withResolvers<void>();
    woken.resolve();
  };
  const socket = { readyState: WebSocket.OPEN, bufferedAmount: 0, send };
  const session = { id: "s", userId: "u", name: "u", role: "guest" } as Session;
  return new Connection(host, socket as unknown as WebSocket, session);
}

const message = (seq: number, text = `m${seq}`): Message => ({
  id: `id${seq}`,
  seq,
  room: "r1",
  kind: "text",
  author: { id: "a", name: "a", role: "guest" },
  text,
  at: new Date(0).toISOString(),
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A clock standing at 1,000 ms whose timers fire only when the test fires them. */
function heldClock() {
  const timers = new Map<unknown, () => void>();
  let ids = 0;
  const clock = {
    now: () => 1_000,
    setTimeout: (fn: () => void) => (timers.set(++ids, fn), ids),
    clearTimeout: (id: unknown) => void timers.delete(id),
  };
  return { timers, clock };
}

Deno.test("[hub_rooms] fanout - messages stored together leave in one frame, shared by every reader", async () => {
  const rooms = new LiveRooms({} as Store);
  const room = rooms.open("r1");
  room.last = 0;
  const a: string[] = [], b: string[] = [];
  const connA = fakeConn(a), connB = fakeConn(b);
  connA.rooms.set("r1", 0);
  // B joined later: its `joined` frame already carried seq 1 and 2.
  connB.rooms.set("r1", 2);
  room.conns.add(connA).add(connB);
  for (const seq of [1, 2, 3]) rooms.deliver(message(seq));
  await framesReach(a, 1);
  await framesReach(b, 1);
  assert.equal(a.length, 1);
  assert.deepEqual(a[0].split("\n").map((line) => JSON.parse(line).message.seq), [1, 2, 3]);
  assert.deepEqual(b.map((frame) => JSON.parse(frame).message.seq), [3]);
  assert.equal(connA.rooms.get("r1"), 3);
  // Later messages go in a later frame, and nothing is sent twice.
  rooms.deliver(message(3));
  rooms.deliver(message(4));
  await framesReach(a, 2);
  assert.deepEqual(a.slice(1).map((frame) => JSON.parse(frame).message.seq), [4]);
});

Deno.test("[hub_rooms] fanout - big messages are not coalesced past the frame bound", async () => {
  const rooms = new LiveRooms({} as Store);
  const room = rooms.open("r1");
  room.last = 0;
  const frames: string[] = [];
  const conn = fakeConn(frames);
  conn.rooms.set("r1", 0);
  room.conns.add(conn);
  for (const seq of [1, 2, 3]) rooms.deliver(message(seq, "x".repeat(10_000)));
  await framesReach(frames, 3);
  assert.deepEqual(frames.map((f) => f.split("\n").length), [1, 1, 1]);
});

Deno.test("[hub_rooms] fanout - a quiet small room sends at the end of the turn; a big one on the timer", async () => {
  // The coalescing timer is held by hand, so a loaded machine cannot fire it before the check.
  const { timers, clock } = heldClock();
  const rooms = new LiveRooms({} as Store, { clock });
  const small = rooms.open("r1");
  const big = rooms.open("r2");
  small.last = big.last = 0;
  const smallFrames: string[] = [], bigFrames: string[] = [];
  const reader = fakeConn(smallFrames);
  reader.rooms.set("r1", 0);
  small.conns.add(reader);
  for (let i = 0; i <= IMMEDIATE_MAX_READERS; i++) {
    const conn = fakeConn(bigFrames);
    conn.rooms.set("r2", 0);
    big.conns.add(conn);
  }
  rooms.deliver(message(1));
  rooms.deliver({ ...message(1), room: "r2" });
  await nextTurn();
  await nextTurn();
  assert.equal(smallFrames.length, 1, "the small room's reader has it already");
  assert.equal(bigFrames.length, 0, "the big room waits for its timer");
  assert.equal(timers.size, 1);
  for (const fire of timers.values()) fire();
  await framesReach(bigFrames, IMMEDIATE_MAX_READERS + 1);
  assert.equal(bigFrames.length, IMMEDIATE_MAX_READERS + 1);
});

Deno.test("[hub_rooms] fanout - a busy small room still sends at the end of each turn, with no timer", async () => {
  // The clock stands still: every flush below falls inside the big rooms' coalescing window.
  const { timers, clock } = heldClock();
  const rooms = new LiveRooms({} as Store, { clock });
  const room = rooms.open("r1");
  room.last = 0;
  const frames: string[] = [];
  const reader = fakeConn(frames);
  reader.rooms.set("r1", 0);
  room.conns.add(reader);
  for (const seq of [1, 2, 3]) {
    rooms.deliver(message(seq));
    await nextTurn();
    await nextTurn();
    assert.equal(frames.length, seq, `message ${seq} left in its own turn`);
  }
  // Messages stored in one turn (one group commit) still share a frame.
  rooms.deliver(message(4));
  rooms.deliver(message(5));
  await framesReach(frames, 4);
  assert.deepEqual(frames[3].split("\n").map((line) => JSON.parse(line).message.seq), [4, 5]);
  assert.equal(timers.size, 0, "no timer armed");
});
