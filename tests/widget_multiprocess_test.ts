/**
 * Counselor availability across processes on Redis: a console tab held by one process makes the
 * counselor available on the other, and when that process dies without a word (SIGKILL) the other
 * stops counting it within a few beats.
 */
import assert from "node:assert/strict";
import { startCluster } from "@/tests/support/cluster.ts";
import { api, connect } from "@/tests/support/client.ts";
import { waitFor } from "@/tests/support/wait.ts";

async function until(url: string, available: boolean, ms: number): Promise<number> {
  const started = Date.now();
  await waitFor(
    async () => (await api(url, "/api/support/availability")).body.available === available,
    `availability at ${url} to become ${available}`,
    { timeoutMs: ms, everyMs: 100 },
  );
  return Date.now() - started;
}

Deno.test("[widget:multiprocess] availability - follows a console on another process, and its crash", async () => {
  const cluster = await startCluster({ processes: 2, env: { WIDGET_ORIGINS: "https://shop.example" } });
  try {
    const { cookie } = await cluster.session("mina", "counselor");
    await until(cluster.url(1), false, 5_000);
    const tab = await connect(`${cluster.servers[0]!.wsUrl}?console`, cookie);
    assert.equal(tab.closeEvent, undefined);
    await until(cluster.url(1), true, 10_000);
    await cluster.kill(0);
    const ms = await until(cluster.url(1), false, 15_000);
    assert.ok(ms < 10_000, `a dead process still counted after ${ms} ms`);
    await tab.closed;
  } finally {
    await cluster.stop();
  }
});
