import assert from "node:assert/strict";
import { openStore } from "./mod.ts";

Deno.test("[store] openStore - makes the KV file's folder and opens KV when no MongoDB URI is set", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_store_test_" });
  try {
    const store = await openStore({ kvPath: `${dir}/nested/data/parley.kv` });
    try {
      assert.equal(store.kind, "kv");
      await store.ping();
    } finally {
      await store.close();
    }
    assert.ok((await Deno.stat(`${dir}/nested/data/parley.kv`)).isFile);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
