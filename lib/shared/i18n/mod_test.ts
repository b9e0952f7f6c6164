import assert from "node:assert/strict";
import { localizeError, pickLocale, translator } from "./mod.ts";
import { catalogs } from "./catalog.ts";

Deno.test("[i18n] catalogs - Korean and English have the same keys, none empty", () => {
  assert.deepEqual(Object.keys(catalogs.ko).sort(), Object.keys(catalogs.en).sort());
  for (const [locale, messages] of Object.entries(catalogs)) {
    for (const [key, text] of Object.entries(messages)) {
      assert.ok(String(text).trim(), `${locale} ${key} is empty`);
    }
  }
});

Deno.test("[i18n] catalogs - every {param} of an English message is in its Korean one", () => {
  const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [key, text] of Object.entries(catalogs.en)) {
    assert.deepEqual(params(catalogs.ko[key as keyof typeof catalogs.ko]!), params(text!), key);
  }
});

Deno.test("[i18n] pickLocale - the cookie wins, then Accept-Language by weight, then English", () => {
  assert.equal(pickLocale("ko", "en-US"), "ko");
  assert.equal(pickLocale(undefined, "en;q=0.5, ko-KR;q=0.9"), "ko");
  assert.equal(pickLocale("fr", "fr-FR, de"), "en");
  assert.equal(pickLocale(null, "ko-KR,ko;q=0.9,en-US;q=0.8"), "ko");
  assert.equal(pickLocale(null, ""), "en");
});

Deno.test("[i18n] translator - parameters, prices and relative times in each language", () => {
  const ko = translator("ko");
  const en = translator("en");
  assert.equal(ko.t("common.send"), "보내기");
  assert.equal(en.price(0, "KRW"), "Free");
  assert.equal(ko.price(0, "KRW"), "무료");
  assert.equal(ko.price(150000, "KRW"), "₩150,000");
  const now = new Date("2026-12-01T00:00:00Z");
  assert.equal(en.relative("2026-12-01T00:03:00Z", now), "in 3 minutes");
  assert.equal(ko.relative("2026-11-30T21:00:00Z", now), "3시간 전");
});

Deno.test("[i18n] localizeError - English templates answer in Korean with their parameters, else by code", () => {
  assert.equal(
    localizeError("ko", "bad_name", "Room names are at most 64 characters"),
    "방 이름은 64자까지 쓸 수 있어요",
  );
  assert.equal(
    localizeError("en", "bad_name", "Room names are at most 64 characters"),
    "Room names are at most 64 characters",
  );
  assert.equal(localizeError("ko", "bad_request", "Enter a message"), "메시지를 입력해 주세요");
  assert.equal(
    localizeError("ko", "rate_limited", "some new English text"),
    "시도가 너무 많아요. 잠시 후 다시 시도해 주세요",
  );
  assert.equal(localizeError("ko", "made_up", "Kept as it came"), "Kept as it came");
});
