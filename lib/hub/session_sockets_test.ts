import assert from "node:assert/strict";
import type { Bus, BusEvent, BusListener } from "@/lib/bus/types.ts";
import { sessionKey, SessionSockets } from "@/lib/hub/session_sockets.ts";

/** Buses that hand each event to the other nodes' listeners at once, and record it. */
function buses(count: number) {
  const listeners: Set<BusListener>[] = Array.from({ length: count }, () => new Set());
  const published: BusEvent[] = [];
  let onPublish = Promise.withResolvers<void>();
  const make = (i: number): Bus => ({
    kind: "broadcast",
    publish(event) {
      published.push(event);
      const woken = onPublish;
      onPublish = Promise.withResolvers<void>();
      woken.resolve();
      listeners.forEach((set, j) => j !== i && set.forEach((l) => l(structuredClone(event))));
    },
    subscribe(listener) {
      listeners[i].add(listener);
      return () => listeners[i].delete(listener);
    },
    healthy: () => true,
    close: () => Promise.resolve(),
  });
  /** Resolves once the nodes have published `count` more events (the table flushes a test waits for). */
  const nextPublish = async (count = 1) => {
    const target = published.length + count;
    while (published.length < target) await onPublish.promise;
  };
  return { buses: listeners.map((_, i) => make(i)), published, nextPublish };
}

function nodes(count = 2) {
  let now = 0;
  const { buses: all, published, nextPublish } = buses(count);
  const list = all.map((bus, i) => {
    const node = new SessionSockets({ node: `n${i}`, bus, ttlMs: 300, fullEveryMs: 60_000, now: () => now });
    bus.subscribe((e) => node.onBus(e));
    return node;
  });
  return { list, published, nextPublish, advance: (ms: number) => void (now += ms) };
}

Deno.test("[session_sockets] total - counts a session's sockets on every node", async () => {
  const { list: [a, b], nextPublish } = nodes();
  const key = sessionKey("secret-session-token");
  a.setLocal(key, 1);
  a.setLocal(key, 2);
  b.setLocal(key, 1);
  await nextPublish(2);
  assert.equal(a.total(key), 3);
  assert.equal(b.total(key), 3);
  a.setLocal(key, 1);
  await nextPublish();
  assert.equal(b.total(key), 2);
  assert.equal(b.total(sessionKey("another")), 0);
});

Deno.test("[session_sockets] bus - carries a hash, never the session id, one event per tick", async () => {
  const { list: [a], published, nextPublish } = nodes();
  for (let i = 0; i < 50; i++) a.setLocal(sessionKey(`token-${i % 5}`), Math.floor(i / 5) + 1);
  await nextPublish();
  assert.equal(published.length, 1);
  assert.doesNotMatch(JSON.stringify(published), /token-/);
  assert.equal(Object.keys((published[0] as { counts: object }).counts).length, 5);
});

Deno.test("[session_sockets] expiry - a silent node stops counting; beats and bye", async () => {
  const { list: [a, b], advance, nextPublish } = nodes();
  const key = sessionKey("s");
  a.setLocal(key, 1);
  await nextPublish();
  advance(200);
  b.onBus({ t: "beat", node: "n0", rooms: [] });
  advance(200);
  assert.equal(b.total(key), 1, "a beat keeps the node's counts");
  advance(301);
  assert.equal(b.total(key), 0, "silent past the TTL: left out");
  a.announceAll();
  assert.equal(b.total(key), 1);
  b.onBus({ t: "bye", node: "n0" });
  assert.equal(b.total(key), 0);
});

Deno.test("[session_sockets] repair - a full table replaces counts a dropped event left stale", async () => {
  const { list: [a, b], nextPublish } = nodes();
  const key = sessionKey("s");
  a.setLocal(key, 1);
  await nextPublish();
  // The node's "0" for this session is lost on the way.
  b.onBus({ t: "sockets", node: "n0", counts: { [key]: 1 } });
  a.setLocal(key, 0);
  b.onBus({ t: "sockets", node: "n0", counts: { [key]: 1 } });
  assert.equal(b.total(key), 1);
  a.announceAll();
  assert.equal(b.total(key), 0);
});

Deno.test("[session_sockets] sync - a node that starts hears the others' tables", async () => {
  const { list: [a, b, c], nextPublish } = nodes(3);
  const key = sessionKey("s");
  a.setLocal(key, 1);
  b.setLocal(key, 1);
  await nextPublish(2);
  // c missed it all (it was not there yet); its sync makes a and b repeat their tables.
  c.onBus({ t: "bye", node: "n0" });
  c.onBus({ t: "bye", node: "n1" });
  assert.equal(c.total(key), 0);
  a.onBus({ t: "sync", node: "n2" });
  b.onBus({ t: "sync", node: "n2" });
  assert.equal(c.total(key), 2);
});
