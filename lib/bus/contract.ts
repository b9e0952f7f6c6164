/**
 * The one contract every {@link Bus} implementation is held to. Each implementation's `_test.ts`
 * calls {@link busContract} with a factory of two connected nodes.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import type { Bus, BusEvent } from "@/lib/bus/types.ts";
import type { Message, SupportSummary, UserRef } from "@/lib/shared/protocol.ts";

/** Two nodes on one bus (`a` and `b`), and what to release after the test besides closing them. */
export interface BusPair {
  a: Bus;
  b: Bus;
  cleanup?: () => Promise<void>;
}

export interface BusContractOptions {
  /** The bus delivers every event of a burst (Redis); false when a lagging receiver drops (BroadcastChannel). */
  lossless: boolean;
}

/** Polls until `done()` or throws after `ms`. */
export async function waitFor(done: () => boolean, ms = 3000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const alice: UserRef = { id: "u_alice", name: "Alice 앨리스", role: "user" };
const counselor: UserRef = { id: "u_coun", name: "Counselor", role: "counselor" };
const message: Message = {
  id: "01JD0000000000000000000000",
  seq: 42,
  room: "r_1",
  kind: "text",
  author: alice,
  text: 'hello \n 안녕 \u2028 "quoted" </script>',
  at: "2024-11-22T10:00:00.000Z",
};
const card: Message = {
  ...message,
  id: "01JD0000000000000000000001",
  seq: 43,
  kind: "program",
  author: counselor,
  text: "try this",
  program: {
    id: "p_1",
    title: "Spring course",
    startsAt: "2025-03-01T00:00:00.000Z",
    endsAt: "2025-05-31T00:00:00.000Z",
    price: 120000,
    currency: "KRW",
    url: "/programs/p_1",
  },
};
const conversation: SupportSummary = {
  room: "r_support",
  user: alice,
  state: "active",
  counselor,
  lastMessage: message,
  unread: 3,
  updatedAt: "2024-11-22T10:00:01.000Z",
};

/** One sample of every kind; the mapped type makes a new kind in `BusEvent` a compile error here. */
export const sampleEvents: { [K in BusEvent["t"]]: Extract<BusEvent, { t: K }> } = {
  message: { t: "message", message: card },
  messages: { t: "messages", messages: [message, card] },
  read: { t: "read", room: "r_1", user: alice, seq: 43 },
  moderation: { t: "moderation", room: "r_1", user: "u_alice", state: "removed" },
  lines: {
    t: "lines",
    lines: [{
      room: message.room,
      seq: message.seq,
      author: message.author.id,
      kind: message.kind,
      at: message.at,
      line: JSON.stringify({ type: "message", room: message.room, message }),
    }],
  },
  typing: { t: "typing", room: "r_1", user: alice },
  presence: { t: "presence", node: "n_1", room: "r_1", members: [alice, counselor] },
  beat: { t: "beat", node: "n_1", rooms: ["r_1", "r_2"] },
  sync: { t: "sync", node: "n_1" },
  bye: { t: "bye", node: "n_1" },
  support: { t: "support", conversation },
  "session-ended": { t: "session-ended", session: "s_1" },
  "address-sockets": {
    t: "address-sockets",
    node: "n_1",
    process: "host:42",
    counts: { "9f3a": 2 },
    full: true,
  },
  sockets: { t: "sockets", node: "n_1", counts: { "k-1": 3, "k-2": 0 }, full: true },
  "metrics-ask": { t: "metrics-ask", id: "q_1", process: "host:42" },
  catalog: { t: "catalog", id: "p_1" },
  counselors: { t: "counselors", node: "n_1", counselors: [{ id: "u_c", name: "mina", away: false }] },
  "counselor-away": { t: "counselor-away", id: "u_c", away: true },
  "metrics-reply": {
    t: "metrics-reply",
    id: "q_1",
    process: "host:42",
    metrics: {
      stats: {
        node: "n_1",
        connections: 3,
        rooms: 2,
        messagesIn: 10,
        messagesOut: 25,
        sendErrors: 0,
        gapsRefilled: 1,
      },
      busUp: true,
      busDropped: 0,
      lag: { lastSeconds: 0.004, received: 12 },
    },
  },
};

const seqOf = (e: BusEvent) => (e.t === "message" ? e.message.seq : -1);
const numbered = (seq: number): BusEvent => ({ t: "message", message: { ...message, seq } });

/**
 * Registers the contract tests, named `[bus:NAME] subject - behaviour`.
 *
 * @example
 * busContract("broadcast", { lossless: false }, async () => {
 *   const name = crypto.randomUUID();
 *   return { a: createBroadcastBus(name), b: createBroadcastBus(name) };
 * });
 */
export function busContract(
  name: string,
  options: BusContractOptions,
  makePair: () => Promise<BusPair>,
): void {
  const test = (title: string, body: (pair: BusPair) => Promise<void>) =>
    Deno.test(`[bus:${name}] ${title}`, async () => {
      const pair = await makePair();
      try {
        await body(pair);
      } finally {
        await pair.a.close();
        await pair.b.close();
        await pair.cleanup?.();
      }
    });

  test("publish - reaches the other node", async ({ a, b }) => {
    const got: BusEvent[] = [];
    b.subscribe((e) => got.push(e));
    a.publish(sampleEvents.sync);
    await waitFor(() => got.length === 1, 3000, "the event on b");
    deepEqual(got, [sampleEvents.sync]);
    ok(a.healthy() && b.healthy());
  });

  test("publish - never echoes to the publisher", async ({ a, b }) => {
    const atA: BusEvent[] = [];
    const atB: BusEvent[] = [];
    a.subscribe((e) => atA.push(e));
    b.subscribe((e) => atB.push(e));
    a.publish(sampleEvents.bye);
    await waitFor(() => atB.length === 1, 3000, "a's event on b");
    // b answers only after a's event went through, so an echo of it would reach a before the answer.
    b.publish(sampleEvents.sync);
    await waitFor(() => atA.length === 1, 3000, "b's answer on a");
    deepEqual(atA, [sampleEvents.sync]);
    deepEqual(atB, [sampleEvents.bye]);
  });

  test("publish - preserves order from one publisher", async ({ a, b }) => {
    const got: number[] = [];
    b.subscribe((e) => got.push(seqOf(e)));
    // A burst under 200 fits every implementation's queue: all of it arrives, in order.
    for (let i = 1; i <= 150; i++) a.publish(numbered(i));
    await waitFor(() => got.length === 150, 5000, "150 events");
    deepEqual(got, Array.from({ length: 150 }, (_, i) => i + 1));

    got.length = 0;
    for (let i = 1; i <= 500; i++) a.publish(numbered(i));
    if (options.lossless) await waitFor(() => got.length === 500, 5000, "500 events");
    else {
      // A lossy bus may drop any event, a marker too: send markers until one arrives. Order from one
      // publisher holds, so by then every event of the burst that is coming has come.
      let marks = 0;
      const marked = () => got.some((n) => n > 500) || (a.publish(numbered(500 + ++marks)), false);
      await waitFor(marked, 5000, "a marker after the burst");
    }
    const burst = got.filter((n) => n <= 500);
    ok(burst.length > 0, "some of the burst arrives");
    for (let i = 1; i < burst.length; i++) {
      ok(burst[i - 1] < burst[i], `in order at ${i}: ${burst[i - 1]}, ${burst[i]}`);
    }
    if (options.lossless) equal(burst.length, 500);
  });

  test("subscribe - every listener receives, each once", async ({ a, b }) => {
    const first: BusEvent[] = [];
    const second: BusEvent[] = [];
    b.subscribe((e) => first.push(e));
    b.subscribe((e) => second.push(e));
    a.publish(sampleEvents.typing);
    await waitFor(() => first.length === 1 && second.length === 1, 3000, "both listeners");
    a.publish(sampleEvents.sync);
    await waitFor(() => first.length === 2 && second.length === 2, 3000, "both listeners again");
    deepEqual(first, [sampleEvents.typing, sampleEvents.sync]);
    deepEqual(second, first);
  });

  test("subscribe - a throwing listener does not starve the others", async ({ a, b }) => {
    const got: BusEvent[] = [];
    const error = console.error;
    console.error = () => {}; // the bus reports the failure; keep test output clean
    try {
      b.subscribe(() => {
        throw new Error("listener bug");
      });
      b.subscribe((e) => got.push(e));
      a.publish(sampleEvents.sync);
      await waitFor(() => got.length === 1, 3000, "the healthy listener");
    } finally {
      console.error = error;
    }
  });

  test("unsubscribe - stops delivery", async ({ a, b }) => {
    const kept: BusEvent[] = [];
    const dropped: BusEvent[] = [];
    b.subscribe((e) => kept.push(e));
    const off = b.subscribe((e) => dropped.push(e));
    a.publish(sampleEvents.sync);
    await waitFor(() => kept.length === 1 && dropped.length === 1, 3000, "both listeners");
    off();
    off(); // twice is harmless
    a.publish(sampleEvents.bye);
    await waitFor(() => kept.length === 2, 3000, "the kept listener");
    deepEqual(dropped, [sampleEvents.sync]);
  });

  test("events - every kind round-trips unchanged", async ({ a, b }) => {
    const got: BusEvent[] = [];
    b.subscribe((e) => got.push(e));
    const all = Object.values(sampleEvents) as BusEvent[];
    for (const event of all) a.publish(event);
    await waitFor(() => got.length === all.length, 3000, "every kind");
    deepEqual(got, all);
  });

  test("close - is clean and idempotent; publish after close does not throw", async ({ a, b }) => {
    const got: BusEvent[] = [];
    b.subscribe((e) => got.push(e));
    a.publish(sampleEvents.sync);
    await waitFor(() => got.length === 1, 3000, "the event before close");
    await a.close();
    await a.close();
    a.publish(sampleEvents.bye);
    // BroadcastChannel is "always up"; a closed Redis bus is not connected.
    if (a.kind === "redis") equal(a.healthy(), false);
    // The sanitizers of Deno.test check that no timer, socket or channel outlives the test.
  });
}
