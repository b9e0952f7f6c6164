import { equal, match, ok, rejects } from "node:assert/strict";
import { createRedisBus } from "@/lib/bus/redis.ts";
import { busContract, waitFor } from "@/lib/bus/contract.ts";
import type { BusEvent } from "@/lib/bus/types.ts";
import { ConfigError } from "@/lib/ops/config_error.ts";
import { startRedis } from "@/tests/support/redis.ts";
import { freePort } from "@/tests/support/ports.ts";

// Each test gets its own redis-server, so a failing test cannot disturb the next.
busContract("redis", { lossless: true }, async () => {
  const redis = await startRedis();
  const [a, b] = await Promise.all([createRedisBus(redis.url), createRedisBus(redis.url)]);
  return { a, b, cleanup: redis.stop };
});

Deno.test("[bus:redis] open - unreachable Redis fails fast with one clear line", async () => {
  const port = freePort();
  const started = Date.now();
  await rejects(createRedisBus(`redis://127.0.0.1:${port}`), (err: Error) => {
    ok(err instanceof ConfigError);
    equal(err.message, `cannot reach Redis at 127.0.0.1:${port}: connection refused`);
    return true;
  });
  ok(Date.now() - started < 3000, "fails within seconds");
});

Deno.test("[bus:redis] open - a malformed URL fails with one clear line, hiding the password", async () => {
  await rejects(createRedisBus("redis://user:secret@[bad"), (err: Error) => {
    ok(err instanceof ConfigError);
    match(err.message, /^invalid Redis URL/);
    ok(!err.message.includes("secret"));
    return true;
  });
  await rejects(createRedisBus("http://127.0.0.1:6379"), /must start with redis:\/\//);
});

Deno.test("[bus:redis] open - a port that is not Redis times out instead of hanging", async () => {
  // Accepts TCP and never answers, like a firewall or a wrong service.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) conns.push(conn);
  })();
  const { port } = listener.addr as Deno.NetAddr;
  try {
    await rejects(createRedisBus(`redis://127.0.0.1:${port}`, { openTimeoutMs: 500 }), (err: Error) => {
      equal(err.message, `cannot reach Redis at 127.0.0.1:${port}: no answer within 0.5 s`);
      return true;
    });
  } finally {
    listener.close();
    await accepting;
    for (const conn of conns) conn.close();
  }
});

Deno.test("[bus:redis] reconnect - survives Redis going away and coming back", async () => {
  let redis = await startRedis();
  const lines: string[] = [];
  const options = { maxBackoffMs: 200, log: (line: string) => lines.push(line) };
  const a = await createRedisBus(redis.url, options);
  const b = await createRedisBus(redis.url, options);
  const got: BusEvent[] = [];
  b.subscribe((e) => got.push(e));
  try {
    a.publish({ t: "sync", node: "before" });
    await waitFor(() => got.length === 1, 3000, "the event before the outage");

    await redis.kill();
    await waitFor(() => !a.healthy() && !b.healthy(), 3000, "healthy() to turn false");
    a.publish({ t: "sync", node: "lost" }); // must not throw, must not queue
    equal(a.dropped, 1);

    redis = await startRedis(redis.port);
    await waitFor(() => a.healthy() && b.healthy(), 5000, "healthy() to turn true again");
    a.publish({ t: "sync", node: "after" });
    await waitFor(() => got.length === 2, 3000, "the event after the outage");
    equal((got[1] as { node: string }).node, "after", "the event dropped during the outage never arrives");
    ok(lines.some((l) => l.startsWith("[bus:redis] lost Redis at 127.0.0.1:")), lines.join("\n"));
    ok(lines.some((l) => l.startsWith("[bus:redis] reconnected")), lines.join("\n"));
  } finally {
    await a.close();
    await b.close();
    await redis.stop();
  }
});

Deno.test("[bus:redis] channel - buses on different channels do not hear each other", async () => {
  const redis = await startRedis();
  const a = await createRedisBus(redis.url, { channel: "one" });
  const b = await createRedisBus(redis.url, { channel: "two" });
  const c = await createRedisBus(redis.url, { channel: "two" });
  const atB: BusEvent[] = [];
  b.subscribe((e) => atB.push(e));
  try {
    a.publish({ t: "sync", node: "from-one" });
    c.publish({ t: "sync", node: "from-two" });
    await waitFor(() => atB.length === 1, 3000, "c's event");
    equal((atB[0] as { node: string }).node, "from-two");
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
    await redis.stop();
  }
});

Deno.test("[bus:redis] close - while Redis is down returns at once and leaks nothing", async () => {
  const redis = await startRedis();
  const bus = await createRedisBus(redis.url, { log: () => {} });
  await redis.kill();
  await waitFor(() => !bus.healthy(), 3000, "healthy() to turn false");
  // Fixed wait, to be mid-backoff with a retry timer pending: the Redis client schedules its retries
  // inside, and no event says one is pending.
  await new Promise((resolve) => setTimeout(resolve, 700));
  const started = Date.now();
  await bus.close();
  ok(Date.now() - started < 100, "close does not wait for Redis");
  bus.publish({ t: "sync", node: "n" });
  equal(bus.healthy(), false);
});
