/**
 * `GET /api/support/availability`: whether a counselor is there, as Server-Sent Events (the widget
 * and `/support` keep their line live with it): `{available, counselors, replyMinutes?}` at once and
 * on every change, a comment every 25 s so proxies keep the stream open. With
 * `Accept: application/json` it answers the same object once.
 */
import type { AppContext } from "@/lib/web/app_env.ts";
import { widgetOf } from "@/lib/support/widget.ts";

const KEEPALIVE_MS = 25_000;

export const handler = {
  async GET(c: AppContext) {
    const { availability, replyMinutes } = widgetOf(c.var.services);
    await availability.ready;
    const snapshot = async () => ({
      ...availability.view(),
      replyMinutes: await replyMinutes().catch(() => undefined),
    });
    c.header("Cache-Control", "no-store");
    if (!c.req.header("accept")?.includes("text/event-stream")) return c.json(await snapshot());
    const encoder = new TextEncoder();
    let off = () => {};
    let keepalive: ReturnType<typeof setInterval> | undefined;
    let done = false;
    const stop = () => {
      if (done) return;
      done = true;
      off();
      clearInterval(keepalive);
    };
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const write = (text: string) => {
          if (done) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop();
          }
        };
        const send = async () => write(`data: ${JSON.stringify(await snapshot())}\n\n`);
        off = availability.onChange(() => void send());
        keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
        c.req.raw.signal.addEventListener("abort", () => {
          stop();
          try {
            controller.close();
          } catch {
            // Already closed or cancelled.
          }
        }, { once: true });
        await send();
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
