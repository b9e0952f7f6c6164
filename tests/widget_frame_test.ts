/**
 * The widget's pages in-process: `/widget` may be framed only by WIDGET_ORIGINS, an unlisted site
 * gets a refusal any page may show (and nothing is made), every other page keeps DENY; e-mail is
 * offered only with SMTP_URL; widget.js is served to any site.
 */
import assert from "node:assert/strict";
import { testApp } from "@/tests/support/app.ts";

const SITE = "https://shop.example";

function ancestors(res: Response): string | undefined {
  return res.headers.get("content-security-policy")?.split(";").map((d) => d.trim())
    .find((d) => d.startsWith("frame-ancestors"));
}

Deno.test("[widget] frame - framing by the listed sites only; a refusal for others; DENY elsewhere", async () => {
  const t = await testApp({ env: { WIDGET_ORIGINS: `${SITE},https://other.example` } });
  try {
    const ok = await t.app.request(`/widget?origin=${encodeURIComponent(SITE)}&lang=ko`);
    assert.equal(ok.status, 200);
    assert.equal(ancestors(ok), `frame-ancestors ${SITE} https://other.example`);
    assert.equal(ok.headers.get("x-frame-options"), null);
    const html = await ok.text();
    assert.match(html, /<html lang="ko"/);
    assert.doesNotMatch(html, /widget-email|이메일 \(선택\)/, "no e-mail without SMTP_URL");

    const refused = await t.app.request(`/widget?origin=${encodeURIComponent("https://evil.example")}`);
    assert.equal(refused.status, 403);
    assert.equal(ancestors(refused), "frame-ancestors *");
    const page = await refused.text();
    assert.match(page, /This site may not embed Parley chat/);
    assert.match(page, /https:\/\/evil\.example is not on this Parley server/);
    assert.doesNotMatch(page, /__parley_islands/, "the refusal runs no script and starts nothing");
    assert.deepEqual(await t.services.store.listSupport(), []);

    for (const path of ["/", "/support", "/widget.js"]) {
      const res = await t.app.request(path);
      await res.body?.cancel();
      assert.equal(ancestors(res), "frame-ancestors 'none'", path);
      assert.equal(res.headers.get("x-frame-options"), "DENY", path);
    }
    const js = await t.app.request("/widget.js");
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type")!, /javascript/);
    assert.equal(js.headers.get("cross-origin-resource-policy"), "cross-origin");
    await js.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("[widget] contact - without SMTP_URL e-mail is not offered at all", async () => {
  const t = await testApp({ env: { WIDGET_ORIGINS: SITE } });
  try {
    const made = await t.client().post("/api/widget/session", { origin: SITE });
    assert.equal(made.status, 201);
    const res = await t.app.request("/api/widget/contact", {
      method: "POST",
      headers: { authorization: `Bearer ${made.json!.token}`, "content-type": "application/json" },
      body: JSON.stringify({ email: "visitor@example.com" }),
    });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.message, "E-mail is not offered on this server");
  } finally {
    await t.close();
  }
});

Deno.test("[widget] frame - with SMTP_URL the frame offers the e-mail form", async () => {
  const t = await testApp({ env: { WIDGET_ORIGINS: SITE, SMTP_URL: "smtp://127.0.0.1:1" } });
  try {
    const res = await t.app.request(`/widget?origin=${encodeURIComponent(SITE)}`);
    assert.match(await res.text(), /"emailOffered":true/);
  } finally {
    await t.close();
  }
});

Deno.test("[widget] token - a token sent on purpose wins over the browser's own Parley cookie", async () => {
  const t = await testApp({ env: { WIDGET_ORIGINS: SITE } });
  try {
    const browser = t.client();
    assert.equal((await browser.post("/api/session", { nickname: "mina" })).status, 201);
    const made = await browser.post("/api/widget/session", { origin: SITE });
    const res = await browser.request("/api/widget/conversation", {
      headers: { authorization: `Bearer ${made.json!.token}` },
    });
    const body = await res.json();
    assert.equal(body.me.id, (made.json!.me as { id: string }).id);
    assert.equal(body.room, made.json!.room);
    assert.notEqual(body.me.name, "mina");
  } finally {
    await t.close();
  }
});
