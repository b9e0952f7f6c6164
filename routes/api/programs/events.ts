/**
 * `GET /api/programs/events`: Server-Sent Events for counselors' consoles, with Hono's `streamSSE`:
 * `data: {"id": …}` each time a program is added, edited or ended anywhere (every isolate and
 * process), and a comment line every 25 s so proxies keep a quiet stream open.
 */
import { streamSSE } from "hono/streaming";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { onCatalogChange } from "@/lib/programs/catalog_events.ts";

const KEEPALIVE_MS = 25_000;

export const handler = {
  GET(c: AppContext) {
    assertCounselor(c);
    const { bus } = c.var.services;
    c.header("X-Accel-Buffering", "no");
    const response = streamSSE(c, async (stream) => {
      const changed: string[] = [];
      let wake = () => {};
      const off = onCatalogChange(bus, (id) => {
        changed.push(id);
        wake();
      });
      stream.onAbort(() => {
        off();
        wake();
      });
      try {
        await stream.write(": open\n\n");
        while (!stream.aborted) {
          if (changed.length === 0) {
            const timer = await new Promise<ReturnType<typeof setTimeout>>((resolve) => {
              const t = setTimeout(() => resolve(t), KEEPALIVE_MS);
              wake = () => resolve(t);
            });
            clearTimeout(timer);
            wake = () => {};
          }
          if (stream.aborted) break;
          if (changed.length === 0) {
            await stream.write(": keepalive\n\n");
            continue;
          }
          for (const id of changed.splice(0)) await stream.writeSSE({ data: JSON.stringify({ id }) });
        }
      } finally {
        off();
      }
    });
    response.headers.set("Cache-Control", "no-store");
    return response;
  },
};
