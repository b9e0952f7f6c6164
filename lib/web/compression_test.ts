import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { testApp } from "@/tests/support/app.ts";
import { chooseEncoding } from "@/lib/web/compression.ts";
import { bundleUrl } from "@/lib/web/render.ts";

Deno.test("[compression] chooseEncoding - brotli first, then gzip, weights respected", () => {
  assert.equal(chooseEncoding("gzip, deflate, br, zstd"), "br");
  assert.equal(chooseEncoding("gzip"), "gzip");
  assert.equal(chooseEncoding("br;q=0, gzip"), "gzip");
  assert.equal(chooseEncoding("br;q=0.5, gzip;q=0.9"), "gzip");
  assert.equal(chooseEncoding("identity"), null);
  assert.equal(chooseEncoding(undefined), null);
});

Deno.test({
  name: "[compression] app - HTML, JS, CSS and JSON in brotli or gzip with Vary; SSE untouched",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const t = await testApp();
    try {
      for (let i = 0; i < 30; i++) {
        await t.services.store.createRoom({ name: `room ${i}`, visibility: "public", ownerId: "u" });
      }
      for (const path of ["/", bundleUrl("en"), "/static/styles.css", "/api/rooms"]) {
        const plain = await t.app.request(path);
        const raw = new Uint8Array(await plain.arrayBuffer());
        assert.ok(raw.byteLength > 1024, `${path} is big enough to compress`);
        for (const [accept, expected] of [["gzip, deflate, br", "br"], ["gzip", "gzip"]] as const) {
          const res = await t.app.request(path, { headers: { "accept-encoding": accept } });
          assert.equal(res.status, 200, path);
          assert.equal(res.headers.get("content-encoding"), expected, `${path} ${accept}`);
          assert.match(res.headers.get("vary") ?? "", /Accept-Encoding/i, path);
          const body = new Uint8Array(await res.arrayBuffer());
          assert.ok(
            body.byteLength < raw.byteLength / 2,
            `${path} ${expected}: ${body.byteLength} of ${raw.byteLength}`,
          );
          const back = expected === "br" ? brotliDecompressSync(body) : gunzipSync(body);
          assert.deepEqual(new Uint8Array(back), raw, `${path} decodes to the same bytes`);
        }
        assert.equal(
          plain.headers.get("content-encoding"),
          null,
          `${path} uncompressed without Accept-Encoding`,
        );
      }
      const sse = await t.app.request("/api/rooms/events", { headers: { "accept-encoding": "br, gzip" } });
      assert.equal(sse.headers.get("content-encoding"), null);
      await sse.body?.cancel();
    } finally {
      await t.close();
    }
  },
});
