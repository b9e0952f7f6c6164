/**
 * `GET /api/rooms/events`: Server-Sent Events for the lobby, with Hono's `streamSSE`. First
 * `{full: true, rooms: {id: count}}`, then only what changed, `{rooms: {id: count}}` (0: the room
 * emptied), coalesced: at most one event per 250 ms, and none while the previous one is still being
 * written to a slow reader. A comment line every 25 s keeps proxies from closing a quiet stream.
 */
import { streamSSE } from "hono/streaming";
import type { AppContext } from "@/lib/web/app_env.ts";

const COALESCE_MS = 250;
const KEEPALIVE_MS = 25_000;

/** What changed from `before` to `now`; rooms gone from `now` are reported as 0. */
function changes(before: Record<string, number>, now: Record<string, number>): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const [id, count] of Object.entries(now)) if (before[id] !== count) changed[id] = count;
  for (const id of Object.keys(before)) if (!(id in now)) changed[id] = 0;
  return changed;
}

export const handler = {
  GET(c: AppContext) {
    const { hub } = c.var.services;
    c.header("X-Accel-Buffering", "no");
    const response = streamSSE(c, async (stream) => {
      let wake = () => {};
      let dirty = false;
      const off = hub.onCounts(() => {
        dirty = true;
        wake();
      });
      stream.onAbort(() => {
        off();
        wake();
      });
      try {
        let sent = hub.counts();
        await stream.writeSSE({ data: JSON.stringify({ full: true, rooms: sent }) });
        while (!stream.aborted) {
          if (!dirty) {
            const timer = await new Promise<ReturnType<typeof setTimeout>>((resolve) => {
              const t = setTimeout(() => resolve(t), KEEPALIVE_MS);
              wake = () => resolve(t);
            });
            clearTimeout(timer);
            wake = () => {};
          }
          if (stream.aborted) break;
          if (!dirty) {
            await stream.write(": keepalive\n\n");
            continue;
          }
          await stream.sleep(COALESCE_MS);
          dirty = false;
          const now = hub.counts();
          const changed = changes(sent, now);
          sent = now;
          if (Object.keys(changed).length > 0) {
            await stream.writeSSE({ data: JSON.stringify({ rooms: changed }) });
          }
        }
      } finally {
        off();
      }
    });
    // A lobby stream is live state: never cached (streamSSE says no-cache, which allows storing).
    response.headers.set("Cache-Control", "no-store");
    return response;
  },
};
