import assert from "node:assert/strict";
import { Availability, type AvailabilityView } from "@/lib/support/availability.ts";
import { createBroadcastBus } from "@/lib/bus/broadcast.ts";
import type { Session } from "@/lib/store/types.ts";

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

function twoNodes(nowB: () => number = Date.now) {
  const name = `parley-test-${crypto.randomUUID()}`;
  const buses = [createBroadcastBus(name), createBroadcastBus(name)];
  const a = new Availability({ node: "a", bus: buses[0], beatMs: 50 });
  const b = new Availability({ node: "b", bus: buses[1], beatMs: 50, now: nowB });
  return {
    a,
    b,
    async close() {
      a.close();
      b.close();
      await Promise.all(buses.map((bus) => bus.close()));
    },
  };
}

Deno.test("[availability] track - a console tab on one node makes the counselor available on another", async () => {
  const nodes = twoNodes();
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
  const nodes = twoNodes();
  try {
    nodes.a.track(new EventTarget(), mina);
    await until(nodes.b, (v) => v.available);
    nodes.b.setAway(mina.userId, true);
    await until(nodes.a, (v) => !v.available);
    assert.equal(nodes.a.isAway(mina.userId), true);
    nodes.a.setAway(mina.userId, false);
    await until(nodes.b, (v) => v.available);
  } finally {
    await nodes.close();
  }
});

Deno.test("[availability] expiry - a node silent for three beats no longer counts", async () => {
  let skew = 0;
  const nodes = twoNodes(() => Date.now() + skew);
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
