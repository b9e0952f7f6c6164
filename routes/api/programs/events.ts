/**
 * `GET /api/programs/events`: Server-Sent Events for counselors' consoles: `data: {"id": …}` each
 * time a program is added, edited or ended anywhere, and a comment line every 25 s.
 */
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { onCatalogChange } from "@/lib/programs/catalog_events.ts";

const KEEPALIVE_MS = 25_000;

export const handler = {
  GET(c: AppContext) {
    assertCounselor(c);
    const encoder = new TextEncoder();
    let off = () => {};
    let keepalive: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      off();
      clearInterval(keepalive);
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const write = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop();
          }
        };
        write(": open\n\n");
        off = onCatalogChange(c.var.services.bus, (id) => write(`data: ${JSON.stringify({ id })}\n\n`));
        keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
        c.req.raw.signal.addEventListener("abort", () => {
          stop();
          try {
            controller.close();
          } catch {
            // Already closed.
          }
        }, { once: true });
      },
      cancel: stop,
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  },
};
