/**
 * The contract every FileStore is held to; `folder_test.ts` and `s3_test.ts` run it.
 */
import assert from "node:assert/strict";
import type { FileStore } from "./types.ts";

async function read(files: FileStore, key: string): Promise<Uint8Array | null> {
  const blob = await files.get(key);
  return blob ? new Uint8Array(await new Response(blob.body).arrayBuffer()) : null;
}

/**
 * @example
 * fileStoreContract("folder", () => openFolderStore(dir));
 */
export function fileStoreContract(name: string, open: () => Promise<FileStore>): void {
  const test = (subject: string, fn: (files: FileStore) => Promise<void>) =>
    Deno.test(`[files:${name}] ${subject}`, async () => {
      const files = await open();
      try {
        await fn(files);
      } finally {
        await files.close();
      }
    });
  const key = () => `room${crypto.randomUUID().slice(0, 8)}/file${crypto.randomUUID().slice(0, 8)}`;

  test("put/get - returns the bytes and size stored", async (files) => {
    const k = key();
    const data = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
    await files.put(k, data);
    const blob = await files.get(k);
    assert.equal(blob?.size, data.length);
    assert.deepEqual(new Uint8Array(await new Response(blob!.body).arrayBuffer()), data);
  });

  test("put - replaces what a key held", async (files) => {
    const k = key();
    await files.put(k, new TextEncoder().encode("one"));
    await files.put(k, new TextEncoder().encode("two!"));
    assert.equal(new TextDecoder().decode((await read(files, k))!), "two!");
  });

  test("get - a missing key is null", async (files) => {
    assert.equal(await files.get(key()), null);
  });

  test("delete - removes the bytes; deleting again is fine", async (files) => {
    const k = key();
    await files.put(k, new Uint8Array([1, 2, 3]));
    await files.delete(k);
    assert.equal(await files.get(k), null);
    await files.delete(k);
  });

  test("keys - a key that climbs out or holds odd characters is refused", async (files) => {
    for (const bad of ["../x", "/abs", "a/../b", "a\u0000b", "", "a//b"]) {
      await assert.rejects(files.put(bad, new Uint8Array([1])), TypeError, bad);
      await assert.rejects(files.get(bad), TypeError);
    }
  });
}
