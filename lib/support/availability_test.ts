import assert from "node:assert/strict";
import { Availability, type AvailabilityView, type AwayStore } from "@/lib/support/availability.ts";
import { type BroadcastBus, createBroadcastBus } from "@/lib/bus/broadcast.ts";
import type { BusEvent } from "@/lib/bus/types.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import type { Session, Store } from "@/lib/store/types.ts";

const mina: Session = {
  id: "s_mina",
  userId: "u_mina",
  name: "mina",
  role: "counselor",
  createdAt: "2026-01-01T00:00:00.000Z",
  expiresAt: "2099-01-01T00:00:00.000Z",
};

/** Resolves with the first view of `a` that `ok` accepts (now or on a later change). */
function until(a: Availability, ok: (v: AvailabilityView) => boolean): Promise<AvailabilityView> {
  return new Promise((resolve) => {
    if (ok(a.view())) return resolve(a.view());
    const off = a.onChange((v) => {
      if (!ok(v)) return;
      off();
      resolve(v);
    });
  });
}

/** A store in memory with mina's counselor account, as the away flags are kept on it. */
async function storeWithMina(): Promise<Store> {
  const store = await openKvStore(":memory:");
  await store.createUser({
    id: mina.userId,
    username: mina.name,
    role: "counselor",
    passwordHash: "hash",
    createdAt: mina.createdAt,
  });
  return store;
}

/** Nodes on one bus channel and one store; `start` adds one (a node started later, or restarted). */
async function cluster(store?: Store) {
  const name = `parley-test-${crypto.randomUUID()}`;
  const shared = store ?? await storeWithMina();
  const started: { node: Availability; bus: BroadcastBus }[] = [];
  return {
    store: shared,
    start(node: string, options: { now?: () => number; store?: AwayStore } = {}): Availability {
      const bus = createBroadcastBus(name);
      const availability = new Availability({ node, bus, store: shared, beatMs: 50, ...options });
      started.push({ node: availability, bus });
      return availability;
    },
    /** Resolves on the first bus event `node` receives that `ok` accepts, once `node` has handled it. */
    heard(node: Availability, ok: (event: BusEvent) => boolean): Promise<void> {
      const { bus } = started.find((s) => s.node === node)!;
      // Subscribed after the node itself, so the node's own listener has run when this one does.
      return new Promise((resolve) => {
        const off = bus.subscribe((event) => {
          if (!ok(event)) return;
          off();
          resolve();
        });
      });
    },
    /** Stops one node as a process exit would: its word on the bus ends with it. */
    async stop(node: Availability) {
      const at = started.findIndex((s) => s.node === node);
      const [{ bus }] = started.splice(at, 1);
      node.close();
      await bus.close();
    },
    async close() {
      for (const { node, bus } of started) {
        node.close();
        await bus.close();
      }
      await shared.close();
    },
  };
}

async function twoNodes(nowB: () => number = Date.now) {
  const nodes = await cluster();
  const a = nodes.start("a");
  const b = nodes.start("b", { now: nowB });
  await Promise.all([a.ready, b.ready]);
  return { a, b, close: () => nodes.close() };
}

Deno.test("[availability] track - a console tab on one node makes the counselor available on another", async () => {
  const nodes = await twoNodes();
  try {
    assert.deepEqual(nodes.b.view(), { available: false, counselors: 0 });
    const tab = new EventTarget();
    nodes.a.track(tab, mina);
    assert.equal((await until(nodes.b, (v) => v.available)).counselors, 1);
    // Guests and users never count, whatever socket they hold.
    nodes.a.track(new EventTarget(), { ...mina, userId: "u_guest", role: "guest" });
    assert.equal(nodes.a.view().counselors, 1);
    tab.dispatchEvent(new Event("close"));
    await until(nodes.b, (v) => !v.available);
  } finally {
    await nodes.close();
  }
});

Deno.test("[availability] away - set on one node holds on every node, and back", async () => {
  const nodes = await twoNodes();
  try {
    nodes.a.track(new EventTarget(), mina);
    await until(nodes.b, (v) => v.available);
    await nodes.b.setAway(mina.userId, true);
    await until(nodes.a, (v) => !v.available);
    assert.equal(nodes.a.isAway(mina.userId), true);
    await nodes.a.setAway(mina.userId, false);
    await until(nodes.b, (v) => v.available);
  } finally {
    await nodes.close();
  }
});

Deno.test("[availability] expiry - a node silent for three beats no longer counts", async () => {
  let skew = 0;
  const nodes = await twoNodes(() => Date.now() + skew);
  try {
    nodes.a.track(new EventTarget(), mina);
    await until(nodes.b, (v) => v.available);
    // As if node a had crashed a moment ago: its last word is older than three beats.
    skew = 1_000;
    assert.equal(nodes.b.view().available, false);
  } finally {
    await nodes.close();
  }
});

Deno.test("[availability] away - a node started after the toggle, with no other node left, sees it", async () => {
  const nodes = await cluster();
  try {
    const first = nodes.start("a");
    await first.ready;
    await first.setAway(mina.userId, true);
    // Nobody is left to tell a newcomer over the bus: only the store remembers.
    await nodes.stop(first);
    const later = nodes.start("b");
    await later.ready;
    assert.equal(later.isAway(mina.userId), true);
    later.track(new EventTarget(), mina);
    assert.deepEqual(later.view(), { available: false, counselors: 0 });
    await later.setAway(mina.userId, false);
    assert.deepEqual(later.view(), { available: true, counselors: 1 });
    await nodes.stop(later);
    const again = nodes.start("c");
    await again.ready;
    assert.equal(again.isAway(mina.userId), false);
  } finally {
    await nodes.close();
  }
});

Deno.test("[availability] away - told on the bus while the store is read, the bus's newer word wins", async () => {
  const nodes = await cluster();
  try {
    const a = nodes.start("a");
    await a.ready;
    await a.setAway(mina.userId, true);
    // b's read of the store is held until a has set mina back: what it then returns is older.
    const read = Promise.withResolvers<string[]>();
    const b = nodes.start("b", { store: { ...nodes.store, listAwayCounselors: () => read.promise } });
    const back = nodes.heard(b, (e) => e.t === "counselor-away" && !e.away);
    await a.setAway(mina.userId, false);
    await back;
    read.resolve([mina.userId]);
    await b.ready;
    assert.equal(b.isAway(mina.userId), false);
  } finally {
    await nodes.close();
  }
});

Deno.test("[availability] ready - rejects when the stored flags cannot be read", async () => {
  const nodes = await cluster();
  try {
    const broken = nodes.start("a", {
      store: { ...nodes.store, listAwayCounselors: () => Promise.reject(new Error("store down")) },
    });
    await assert.rejects(broken.ready, /store down/);
  } finally {
    await nodes.close();
  }
});
