/**
 * Parley in ONE isolate, for profiling: `deno serve --parallel` hides each isolate's profile, so
 * `deno run -A --cpu-prof scripts/bench/serve_one.ts` serves the same app with `Deno.serve`.
 * PORT as for `main.ts`; SIGTERM stops it cleanly (and the profile is written).
 */
import app from "@/main.ts";

const port = Number(Deno.env.get("PORT") ?? 8000);
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, app.fetch);
