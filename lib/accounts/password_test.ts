import assert from "node:assert/strict";
import {
  DUMMY_HASH,
  hashPassword,
  needsRehash,
  PBKDF2_ITERATIONS,
  verificationIterations,
  verifyDummy,
  verifyPassword,
} from "@/lib/accounts/password.ts";

Deno.test("[password] hashPassword - encodes scheme, 600,000 iterations, 16-byte salt, 32-byte hash", async () => {
  const stored = await hashPassword("correct horse battery staple");
  const [scheme, iterations, salt, hash] = stored.split("$");
  assert.equal(scheme, "pbkdf2-sha256");
  assert.equal(Number(iterations), 600_000);
  assert.equal(PBKDF2_ITERATIONS, 600_000);
  assert.match(salt, /^[A-Za-z0-9_-]{22}$/); // 16 bytes
  assert.match(hash, /^[A-Za-z0-9_-]{43}$/); // 32 bytes
});

Deno.test("[password] hashPassword - a fresh salt every time", async () => {
  const a = await hashPassword("same password");
  const b = await hashPassword("same password");
  assert.notEqual(a, b);
  assert.ok(await verifyPassword("same password", a));
  assert.ok(await verifyPassword("same password", b));
});

Deno.test("[password] verifyPassword - right password matches, anything else does not", async () => {
  const stored = await hashPassword("s3cret-passw0rd");
  assert.equal(await verifyPassword("s3cret-passw0rd", stored), true);
  assert.equal(await verifyPassword("s3cret-passw0rD", stored), false);
  assert.equal(await verifyPassword("s3cret-passw0r", stored), false);
  assert.equal(await verifyPassword("", stored), false);
});

Deno.test("[password] verifyPassword - Unicode is normalized (NFKC) before hashing", async () => {
  const stored = await hashPassword("caf\u00e9-\uac00\ub098\ub2e4"); // precomposed é and Hangul
  assert.ok(await verifyPassword("cafe\u0301-\u1100\u1161\u1102\u1161\u1103\u1161", stored)); // decomposed
});

Deno.test("[password] verifyPassword - malformed or downgraded hashes never match", async () => {
  const good = await hashPassword("password123");
  const [, , salt, hash] = good.split("$");
  for (
    const bad of [
      "",
      "plain",
      `pbkdf2-sha1$600000$${salt}$${hash}`,
      `pbkdf2-sha256$1$${salt}$${hash}`, // too few iterations: refused, not verified cheaply
      `pbkdf2-sha256$99999999999$${salt}$${hash}`, // absurd cost: refused, not a DoS
      `pbkdf2-sha256$600000$${salt}$${hash.slice(0, 10)}`,
      `pbkdf2-sha256$600000$$${hash}`,
      `pbkdf2-sha256$600000$${salt}$${hash}$extra`,
      `pbkdf2-sha256$0600000$${salt}$${hash}`,
    ]
  ) {
    assert.equal(await verifyPassword("password123", bad), false, bad);
  }
});

Deno.test("[password] needsRehash - only weaker or unreadable hashes", async () => {
  const stored = await hashPassword("password123");
  assert.equal(needsRehash(stored), false);
  assert.equal(needsRehash(await hashPassword("password123", 200_000)), true);
  assert.equal(needsRehash("nonsense"), true);
});

Deno.test("[password] verifyDummy - always false and costs exactly one real verification", async () => {
  // The cost is the PBKDF2 iteration count, so compare counts, not wall-clock times.
  const stored = await hashPassword("password123");
  assert.equal(await verifyDummy("wrong password"), false);
  assert.equal(await verifyDummy("password123"), false);
  assert.equal(verificationIterations(DUMMY_HASH), verificationIterations(stored));
  assert.equal(verificationIterations(stored), PBKDF2_ITERATIONS);
  // A broken record costs the same as a sound one.
  assert.equal(verificationIterations("nonsense"), PBKDF2_ITERATIONS);
});
