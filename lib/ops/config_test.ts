import assert from "node:assert/strict";
import { loadConfig } from "@/lib/ops/config.ts";
import { ConfigError } from "@/lib/ops/config_error.ts";

Deno.test("[config] WIDGET_ORIGINS - a comma-separated list of origins, none by default", () => {
  assert.deepEqual(loadConfig({}).widgetOrigins, []);
  assert.deepEqual(
    loadConfig({ WIDGET_ORIGINS: "https://shop.example, http://localhost:8001/" }).widgetOrigins,
    ["https://shop.example", "http://localhost:8001"],
  );
});

Deno.test("[config] WIDGET_ORIGINS - an entry that is not an origin stops start-up with one line", () => {
  for (const bad of ["shop.example", "https://shop.example/path", "ftp://shop.example", "https://"]) {
    assert.throws(
      () => loadConfig({ WIDGET_ORIGINS: `https://ok.example,${bad}` }),
      (err: Error) =>
        err instanceof ConfigError && /^WIDGET_ORIGINS has an entry/.test(err.message) &&
        !err.message.includes("\n"),
      bad,
    );
  }
});

Deno.test("[config] SMTP_URL - smtp: or smtps:, unset means no e-mail", () => {
  assert.equal(loadConfig({}).smtpUrl, undefined);
  assert.equal(loadConfig({ SMTP_URL: "smtp://u:p@127.0.0.1:1025" }).smtpUrl, "smtp://u:p@127.0.0.1:1025");
  assert.throws(() => loadConfig({ SMTP_URL: "http://mail.example" }), /SMTP_URL must start with smtp:/);
  assert.throws(() => loadConfig({ SMTP_URL: "not a url" }), /SMTP_URL is not a valid URI/);
});
