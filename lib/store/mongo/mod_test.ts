/**
 * The store contract against a real MongoDB-compatible server: `MONGODB_URI` when set, else a
 * FerretDB started for this file. Every test gets its own database, dropped afterwards.
 */
import { sharedFerretDB, startFerretDB } from "@/tests/support/ferretdb.ts";
import { ConfigError } from "@/lib/ops/config_error.ts";
import { StoreUnavailableError } from "@/lib/store/errors.ts";
import { freePort } from "@/tests/support/ports.ts";
import assert from "node:assert/strict";
import { randomMessage, storeContract } from "../contract/mod.ts";
import { type MongoStore, openMongoStore } from "./mod.ts";
import type { Store } from "../types.ts";

const server = sharedFerretDB();
const baseUri = await server.get();

/** The URI with its database path replaced by `name`. */
function withDatabase(uri: string, name: string): string {
  const [address, query] = uri.split("?");
  const host = address.replace(/^([a-z+]+:\/\/[^/]*).*$/i, "$1");
  return `${host}/${name}${query ? `?${query}` : ""}`;
}

/** The test's own database; closing the store drops it. */
async function openFresh(): Promise<Store> {
  const uri = withDatabase(baseUri, `parley_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`);
  return dropOnClose(await openMongoStore(uri), uri);
}

function dropOnClose(store: MongoStore, uri: string): Store & { uri: string } {
  return {
    ...store,
    uri,
    async close() {
      try {
        await store.drop();
      } finally {
        await store.close();
      }
    },
  };
}

storeContract("mongo", openFresh, {
  // A second client on the same database, as another server process would have.
  twin: (store) => openMongoStore((store as Store & { uri: string }).uri),
});

Deno.test("[store:mongo] openMongoStore - an unreachable server fails fast with one clear line", async () => {
  const port = freePort();
  const started = Date.now();
  await assert.rejects(openMongoStore(`mongodb://127.0.0.1:${port}/parley`), (error: unknown) => {
    assert.ok(error instanceof StoreUnavailableError);
    assert.match(error.message, new RegExp(`^cannot reach MongoDB at 127\\.0\\.0\\.1:${port}: `));
    assert.ok(!error.message.includes("\n"));
    return true;
  });
  assert.ok(Date.now() - started < 10_000);
});

Deno.test("[store:mongo] openMongoStore - a malformed URI is a ConfigError", async () => {
  await assert.rejects(openMongoStore("mongodb://"), ConfigError);
  await assert.rejects(openMongoStore("http://example.com"), ConfigError);
});

Deno.test("[store:mongo] operations - a lost server surfaces as StoreUnavailableError", async () => {
  const own = await startFerretDB();
  try {
    const store = await openMongoStore(`${own.uri}parley_lost`);
    try {
      const room = await store.createRoom({ name: "Before", visibility: "public", ownerId: "u1" });
      await own.kill();
      await assert.rejects(store.getRoom(room.id), StoreUnavailableError);
      await assert.rejects(store.appendMessage(randomMessage(room.id)), StoreUnavailableError);
      await assert.rejects(store.ping(), StoreUnavailableError);
    } finally {
      await store.close();
    }
  } finally {
    await own.stop();
  }
});
