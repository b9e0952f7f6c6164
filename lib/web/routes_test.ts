import assert from "node:assert/strict";
import { routePath } from "@/lib/web/routes.ts";
import { generateManifest } from "@/scripts/manifest.ts";

Deno.test("[routes] routePath - maps files to URL patterns", () => {
  assert.equal(routePath("index.tsx"), "/");
  assert.equal(routePath("rooms/[id].tsx"), "/rooms/:id");
  assert.equal(routePath("api/rooms/index.ts"), "/api/rooms");
  assert.equal(routePath("api/rooms/[id]/messages.ts"), "/api/rooms/:id/messages");
  assert.equal(routePath("healthz.ts"), "/healthz");
});

Deno.test("[routes] manifest - lib/web/manifest.gen.ts matches routes/ and islands/ (run `deno task build`)", async () => {
  const root = new URL("../..", import.meta.url);
  const expected = await generateManifest(root);
  const actual = await Deno.readTextFile(new URL("lib/web/manifest.gen.ts", root));
  assert.equal(actual, expected.source);
});
