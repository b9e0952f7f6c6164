import assert from "node:assert/strict";
import { clientAddressOf, originAllowed, siteOrigin } from "./origin.ts";

const facts = (peer: string, headers: Record<string, string> = {}) => ({
  peer,
  url: "http://127.0.0.1:8000/api/x",
  headers: new Headers({ host: "127.0.0.1:8000", ...headers }),
});

Deno.test("[origin] clientAddressOf - forwarded addresses only from a trusted proxy", () => {
  const forwarded = { "x-forwarded-for": "198.51.100.9, 10.0.0.2" };
  assert.equal(clientAddressOf(facts("203.0.113.5", forwarded), []), "203.0.113.5");
  assert.equal(clientAddressOf(facts("10.0.0.1", forwarded), ["10.0.0.1"]), "10.0.0.2");
  // The right-most address that is not itself a trusted proxy is the client.
  assert.equal(clientAddressOf(facts("10.0.0.1", forwarded), ["10.0.0.1", "10.0.0.2"]), "198.51.100.9");
  assert.equal(clientAddressOf(facts("::ffff:10.0.0.1", forwarded), ["10.0.0.1"]), "10.0.0.2");
  assert.equal(clientAddressOf(facts("10.0.0.1"), ["10.0.0.1"]), "10.0.0.1");
});

Deno.test("[origin] siteOrigin - X-Forwarded-Host and -Proto only from a trusted proxy", () => {
  const forwarded = { "x-forwarded-host": "chat.example", "x-forwarded-proto": "https" };
  assert.equal(siteOrigin(facts("203.0.113.5", forwarded), []), "http://127.0.0.1:8000");
  assert.equal(siteOrigin(facts("10.0.0.1", forwarded), ["10.0.0.1"]), "https://chat.example");
});

Deno.test("[origin] originAllowed - the site's own origin or ALLOWED_ORIGINS, nothing else", () => {
  const policy = { allowed: ["https://partner.example"], trusted: [] };
  assert.equal(originAllowed("http://127.0.0.1:8000", facts("127.0.0.1"), policy), true);
  assert.equal(originAllowed("https://partner.example", facts("127.0.0.1"), policy), true);
  assert.equal(
    originAllowed("http://evil.example", facts("127.0.0.1", { "x-forwarded-host": "evil.example" }), policy),
    false,
  );
});
