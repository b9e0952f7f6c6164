/**
 * The HTTP throttles on the server as deployed: `lib/ops/server.ts` with two workers. Every request
 * goes out on a new TCP connection (`api()` makes a fresh HTTP client per call), so the kernel spreads
 * them over both isolates. Counters kept per isolate would then let each isolate grant its own full
 * limit (about twice the limit in all); only counters in the shared store give exactly the limit.
 */
import assert from "node:assert/strict";
import { api } from "@/tests/support/client.ts";
import { startFerretDB } from "@/tests/support/ferretdb.ts";
import { startServer, type TestServer, withServer } from "@/tests/support/server.ts";
import { awaitRoomInWindow } from "@/tests/support/windows.ts";

/** Asks /healthz over fresh connections until both isolates answered: the requests do spread. */
async function assertTwoIsolatesAnswer(url: string): Promise<void> {
  const nodes = new Set<string>();
  for (let i = 0; i < 60 && nodes.size < 2; i++) nodes.add((await api(url, "/healthz")).body.node);
  assert.equal(nodes.size, 2, "new connections reach both isolates");
}

/** How many of `count` requests, made one after another, got each status (429s checked on the way). */
async function statuses(
  count: number,
  request: (i: number) => ReturnType<typeof api>,
): Promise<Record<number, number>> {
  const seen: Record<number, number> = {};
  for (let i = 0; i < count; i++) {
    const res = await request(i);
    seen[res.status] = (seen[res.status] ?? 0) + 1;
    if (res.status === 429) {
      assert.ok(Number(res.headers.get("retry-after")) >= 1, "429 carries Retry-After");
      assert.equal(res.body.error.code, "rate_limited");
    }
  }
  return seen;
}

Deno.test("[throttle:parallel] guest sessions - the limit holds across isolates and a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley_throttle_" });
  const env = { GUEST_SESSIONS_PER_MINUTE: "5" };
  const kvPath = `${dir}/parley.kv`;
  let server: TestServer | undefined;
  try {
    server = await startServer({ env, kvPath });
    await assertTwoIsolatesAnswer(server.url);
    await awaitRoomInWindow(60_000);
    const url = server.url;
    const seen = await statuses(12, (i) => api(url, "/api/session", { body: { nickname: `g${i}` } }));
    assert.deepEqual(seen, { 201: 5, 429: 7 });

    // The count lives in the KV file, so a restarted server still refuses this address.
    await server.stop();
    server = await startServer({ env, kvPath });
    const again = await api(server.url, "/api/session", { body: { nickname: "after restart" } });
    assert.equal(again.status, 429);
  } catch (error) {
    console.error(`--- server output ---\n${server?.output().slice(-8_192)}\n---`);
    throw error;
  } finally {
    await server?.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("[throttle:parallel] login failures - per username and address across isolates, then 429 even with the password", async () => {
  await withServer(async (server) => {
    const username = `par_${Date.now().toString(36)}`;
    const password = "correct horse battery";
    const signup = await api(server.url, "/api/signup", { body: { username, password } });
    assert.equal(signup.status, 201);
    await assertTwoIsolatesAnswer(server.url);
    // DEFAULT_ACCOUNT_LIMITS: 10 failures per username+address pair per 15 minutes.
    await awaitRoomInWindow(15 * 60_000);
    const seen = await statuses(
      14,
      (i) => api(server.url, "/api/login", { body: { username, password: `wrong password ${i}` } }),
    );
    assert.deepEqual(seen, { 401: 10, 429: 4 });
    const right = await api(server.url, "/api/login", { body: { username, password } });
    assert.equal(right.status, 429, "the pair stays locked for the window (the owner elsewhere is not)");
  });
});

Deno.test("[throttle:parallel] guest sessions on MongoDB (FerretDB) - the limit holds across isolates", async () => {
  const db = await startFerretDB();
  try {
    await withServer(async (server) => {
      await assertTwoIsolatesAnswer(server.url);
      await awaitRoomInWindow(60_000);
      const seen = await statuses(
        12,
        (i) => api(server.url, "/api/session", { body: { nickname: `m${i}` } }),
      );
      assert.deepEqual(seen, { 201: 5, 429: 7 });
    }, { env: { GUEST_SESSIONS_PER_MINUTE: "5", MONGODB_URI: `${db.uri}parley_throttle` } });
  } finally {
    await db.stop();
  }
});
