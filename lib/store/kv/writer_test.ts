import assert from "node:assert/strict";
import { assertGapFreeAppends, storeContract } from "../contract/mod.ts";
import { openKvStore } from "./mod.ts";
import { describeError, openKvWriter, remoteAppender, reviveError, serveAppends } from "./writer.ts";
import { StoreConflictError, StoreUnavailableError } from "../errors.ts";
import type { Store } from "../types.ts";

/**
 * A store whose appends go through the file's one writer, as a worker of lib/ops/server.ts has it (there
 * the writer is in the main thread; a MessagePort is the same either way).
 */
async function openFresh(): Promise<Store & { path: string; writer: { connect(): MessagePort } }> {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_writer_" });
  const path = `${dir}/store.kv`;
  const writer = await openKvWriter(path);
  const store = await openKvStore(path, { appends: writer.connect() });
  return {
    ...store,
    path,
    writer,
    async close() {
      try {
        await store.close();
        await writer.close();
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

storeContract("kv-writer", openFresh, {
  // Another worker: its own handle on the file, its appends through the same writer.
  twin: (store) => {
    const s = store as Store & { path: string; writer: { connect(): MessagePort } };
    return openKvStore(s.path, { appends: s.writer.connect() });
  },
});

Deno.test("[store:kv-writer] appendMessage - gap-free from two workers through one writer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_kv_writer_" });
  const writer = await openKvWriter(`${dir}/store.kv`);
  const a = await openKvStore(`${dir}/store.kv`, { appends: writer.connect() });
  const b = await openKvStore(`${dir}/store.kv`, { appends: writer.connect() });
  try {
    await assertGapFreeAppends([a, b], 200, 8);
  } finally {
    await a.close();
    await b.close();
    await writer.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[store:kv-writer] errors - cross the port with their class, code and message", () => {
  const conflict = reviveError(describeError(new StoreConflictError("username_taken", "taken")));
  assert.ok(conflict instanceof StoreConflictError);
  assert.equal(conflict.code, "username_taken");
  assert.equal(conflict.message, "taken");
  assert.ok(reviveError(describeError(new StoreUnavailableError("down"))) instanceof StoreUnavailableError);
  assert.ok(reviveError(describeError(new TypeError("too big"))) instanceof TypeError);
});

Deno.test("[store:kv-writer] remoteAppender - a failed append fails alone; closing fails what waits", async () => {
  const { port1, port2 } = new MessageChannel();
  const arrived = Promise.withResolvers<void>();
  serveAppends({
    append(input) {
      if (input.clientId === "bad") return Promise.reject(new TypeError("Value too large"));
      if (input.clientId === "never") {
        arrived.resolve();
        return new Promise(() => {});
      }
      return Promise.resolve({
        message: { ...input, id: "m1", seq: 1, at: "now" } as never,
        duplicate: false,
      });
    },
  }, port1);
  const appender = remoteAppender(port2);
  const author = { id: "u1", name: "kim", role: "guest" as const };
  const base = { room: "r1", kind: "text" as const, author, text: "hi" };
  const [good, bad] = await Promise.allSettled([
    appender.append({ ...base, clientId: "good" }),
    appender.append({ ...base, clientId: "bad" }),
  ]);
  assert.equal(good.status, "fulfilled");
  assert.equal(bad.status, "rejected");
  assert.ok((bad as PromiseRejectedResult).reason instanceof TypeError);
  const waiting = appender.append({ ...base, clientId: "never" });
  await arrived.promise;
  appender.close();
  port1.close();
  await assert.rejects(waiting, StoreUnavailableError);
});
