import assert from "node:assert/strict";
import { RateLimiter } from "@/lib/hub/rate.ts";

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

Deno.test("[rate] take - allows the burst, then refuses", () => {
  const c = clock();
  const rate = new RateLimiter({ burst: 3, perSecond: 1, now: c.now });
  assert.deepEqual([rate.take(), rate.take(), rate.take()], ["ok", "ok", "ok"]);
  assert.equal(rate.take(), "limited");
});

Deno.test("[rate] take - refills at the steady rate and never above the burst", () => {
  const c = clock();
  const rate = new RateLimiter({ burst: 2, perSecond: 1, now: c.now });
  rate.take();
  rate.take();
  c.advance(999);
  assert.equal(rate.take(), "limited");
  c.advance(1);
  assert.equal(rate.take(), "ok");
  c.advance(60_000);
  assert.equal(rate.tokens, 2);
});

Deno.test("[rate] take - sustained rejections past 2 x burst within 10 s are abuse", () => {
  const c = clock();
  const rate = new RateLimiter({ burst: 2, perSecond: 0, now: c.now });
  rate.take();
  rate.take();
  const decisions = Array.from({ length: 5 }, () => rate.take());
  assert.deepEqual(decisions, ["limited", "limited", "limited", "limited", "abuse"]);
});

Deno.test("[rate] take - rejections spread beyond the window are not abuse", () => {
  const c = clock();
  const rate = new RateLimiter({ burst: 2, perSecond: 0, now: c.now });
  rate.take();
  rate.take();
  for (let i = 0; i < 20; i++) {
    assert.equal(rate.take(), "limited");
    c.advance(3_000);
  }
});
