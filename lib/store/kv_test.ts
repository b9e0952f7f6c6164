import { assertGapFreeAppends, storeContract } from "./contract.ts";
import { openKvStore } from "./kv.ts";

storeContract("kv", () => openKvStore(":memory:"));

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
