import assert from "node:assert/strict";
import { assertGapFreeAppends, storeContract } from "../contract/mod.ts";
import { openKvStore } from "./mod.ts";
import type { Store } from "../types.ts";

/** A store on its own KV file (a twin needs a file to share); closing it removes the file. */
async function openFresh(): Promise<Store & { path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_contract_" });
  const path = `${dir}/store.kv`;
  const store = await openKvStore(path);
  return {
    ...store,
    path,
    async close() {
      try {
        await store.close();
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

storeContract("kv", openFresh, {
  // A second store on the same file, as another isolate or process would have.
  twin: (store) => openKvStore((store as Store & { path: string }).path),
});

Deno.test("[store:kv] appendMessage - gap-free with two stores on one file (two isolates)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_test_" });
  const a = await openKvStore(`${dir}/store.kv`);
  const b = await openKvStore(`${dir}/store.kv`);
  try {
    await assertGapFreeAppends([a, b], 200, 8);
  } finally {
    await a.close();
    await b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[store:kv] writes - two stores on one file never fail with 'database is locked'", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_test_" });
  const a = await openKvStore(`${dir}/store.kv`);
  const b = await openKvStore(`${dir}/store.kv`);
  try {
    await Promise.all(Array.from({ length: 300 }, async (_, i) => {
      const store = i % 2 ? a : b;
      const room = await store.createRoom({ name: `Room ${i}`, visibility: "public", ownerId: `u${i}` });
      await store.addMember(room.id, `u${i}`);
      await store.setReadMark(room.id, `u${i}`, i);
    }));
    assert.equal((await b.listPublicRooms({ limit: 1000 })).length, 300);
  } finally {
    await a.close();
    await b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[store:kv] counters - bumps from two stores on one file (two isolates) never share a count", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_test_" });
  const a = await openKvStore(`${dir}/store.kv`);
  const b = await openKvStore(`${dir}/store.kv`);
  try {
    const expiresAt = Date.now() + 60_000;
    const counts = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).bumpCounter("c", expiresAt)),
    );
    assert.deepEqual(counts.sort((x, y) => x - y), Array.from({ length: 60 }, (_, i) => i + 1));
    assert.equal(await b.readCounter("c"), 60);
  } finally {
    await a.close();
    await b.close();
    await Deno.remove(dir, { recursive: true });
  }
});
