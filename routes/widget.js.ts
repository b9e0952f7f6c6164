/**
 * `GET /widget.js`: the one script a site in WIDGET_ORIGINS adds to its pages (bundled from
 * lib/browser/widget_loader.ts by `deno task build`). Any page may load it; only listed sites get a
 * chat in the frame it opens.
 */
import type { AppContext } from "@/lib/web/app_env.ts";
import { notFound } from "@/lib/web/errors.ts";

let cached: Uint8Array | undefined;

export const handler = {
  async GET(c: AppContext) {
    if (!cached) {
      try {
        cached = await Deno.readFile(new URL("../static/build/widget.js", import.meta.url));
      } catch {
        throw notFound("widget.error.notBuilt");
      }
    }
    c.header("Content-Type", "text/javascript; charset=utf-8");
    // Short: a new release reaches every site within minutes, and the tag's URL never changes.
    c.header("Cache-Control", "public, max-age=300");
    c.header("Cross-Origin-Resource-Policy", "cross-origin");
    return c.body(cached as Uint8Array<ArrayBuffer>);
  },
};
