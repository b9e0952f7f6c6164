/** The FileStore contract on a real S3-compatible server: a SeaweedFS S3 gateway started for this file. */
import assert from "node:assert/strict";
import { startSeaweedFS } from "@/tests/support/seaweedfs.ts";
import { fileStoreContract } from "./contract.ts";
import { openS3Store, parseS3Url } from "./s3.ts";
import { ConfigError } from "@/lib/ops/config_error.ts";

const weed = await startSeaweedFS();
globalThis.addEventListener("unload", () => weed.stop());

fileStoreContract("s3", () => openS3Store(parseS3Url(weed.s3Url)));

Deno.test("[files:s3] open - a wrong secret is refused, not ignored", async () => {
  const wrong = weed.s3Url.replace(/:([0-9a-f]+)@/, ":nottheone@");
  await assert.rejects(openS3Store(parseS3Url(wrong)), /S3 open bucket failed: 403/);
});

Deno.test("[files:s3] parseS3Url - a malformed S3_URL is one clear ConfigError", () => {
  assert.throws(() => parseS3Url("s3//x"), ConfigError);
  assert.throws(() => parseS3Url("http://127.0.0.1:8333/bucket"), /KEY:SECRET/);
  assert.throws(() => parseS3Url("http://k:s@127.0.0.1:8333/"), /bucket/);
  assert.deepEqual(parseS3Url("http://k%2F:s@127.0.0.1:8333/b?region=eu"), {
    endpoint: "http://127.0.0.1:8333",
    bucket: "b",
    region: "eu",
    accessKeyId: "k/",
    secretAccessKey: "s",
  });
});

Deno.test("[files:s3] zz - stop SeaweedFS", () => weed.stop());
