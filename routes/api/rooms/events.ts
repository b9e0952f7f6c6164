/**
 * `GET /api/rooms/events`: Server-Sent Events for the lobby. One `{rooms: {id: count}}` snapshot at
 * once, then another whenever public rooms' live counts change (at most every 250 ms), and a
 * comment line every 25 s so proxies keep the stream open. Stops when the client goes away.
 */
import type { AppContext } from "@/lib/web/app_env.ts";

const DEBOUNCE_MS = 250;
const KEEPALIVE_MS = 25_000;

export const handler = {
  GET(c: AppContext) {
    const { hub } = c.var.services;
    const encoder = new TextEncoder();
    let off = () => {};
    let debounce: ReturnType<typeof setTimeout> | undefined;
    let keepalive: ReturnType<typeof setInterval> | undefined;
    let last = "";
    let done = false;
    const stop = () => {
      if (done) return;
      done = true;
      off();
      clearTimeout(debounce);
      clearInterval(keepalive);
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const write = (text: string) => {
          if (done) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop();
          }
        };
        const snapshot = () => {
          debounce = undefined;
          const data = JSON.stringify({ rooms: hub.counts() });
          if (data !== last) write(`data: ${(last = data)}\n\n`);
        };
        snapshot();
        off = hub.onCounts(() => {
          debounce ??= setTimeout(snapshot, DEBOUNCE_MS);
        });
        keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
        c.req.raw.signal.addEventListener("abort", () => {
          stop();
          try {
            controller.close();
          } catch {
            // Already closed or cancelled.
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
