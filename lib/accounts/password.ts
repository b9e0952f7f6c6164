/**
 * Password hashing: PBKDF2-HMAC-SHA256 through WebCrypto, 600,000 iterations (OWASP's figure for
 * this function), a 16-byte random salt and a 32-byte key, stored as
 * `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`. The iteration count travels with the
 * hash, so raising it later still verifies old hashes (and {@link needsRehash} says when to upgrade).
 */

export const PBKDF2_ITERATIONS = 600_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;
const SCHEME = "pbkdf2-sha256";
/** Below this a stored hash is refused outright: it would be a downgrade, not a real hash. */
const MIN_ITERATIONS = 100_000;
/** Above this a stored hash is refused too: verifying it would be a denial of service. */
const MAX_ITERATIONS = 10_000_000;

const encoder = new TextEncoder();

function toB64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The same password typed on different keyboards or systems hashes the same (NIST SP 800-63B). */
function normalize(password: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(password.normalize("NFKC"));
}

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", normalize(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    KEY_BITS,
  );
  return new Uint8Array(bits);
}

/** Compares in time that depends only on the lengths, never on where the bytes first differ. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ (b[i % b.length] ?? 0);
  return diff === 0;
}

interface Parsed {
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  hash: Uint8Array;
}

function parse(encoded: string): Parsed | null {
  const parts = encoded.split("$");
  if (parts.length !== 4 || parts[0] !== SCHEME || !/^[1-9][0-9]{0,8}$/.test(parts[1])) return null;
  const iterations = Number(parts[1]);
  const salt = fromB64Url(parts[2]);
  const hash = fromB64Url(parts[3]);
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) return null;
  if (!salt || salt.length < 16 || !hash || hash.length !== KEY_BITS / 8) return null;
  return { iterations, salt, hash };
}

/**
 * Hashes a password with a fresh random salt.
 *
 * @example
 * const stored = await hashPassword("correct horse battery staple");
 * stored.startsWith("pbkdf2-sha256$600000$"); // true
 */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${toB64Url(salt)}$${toB64Url(hash)}`;
}

/**
 * Checks a password against a stored hash in constant time. A malformed stored hash never matches.
 *
 * @example
 * await verifyPassword("correct horse battery staple", stored); // true
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) {
    // Spend the same time as a real check so a broken record is not visible from outside.
    await derive(password, new Uint8Array(SALT_BYTES), verificationIterations(encoded));
    return false;
  }
  return constantTimeEqual(await derive(password, parsed.salt, verificationIterations(encoded)), parsed.hash);
}

/**
 * The PBKDF2 iterations {@link verifyPassword} spends on `encoded` (what a check costs): the stored
 * count, or today's count for a record it cannot read.
 *
 * @example
 * verificationIterations(await hashPassword("pw")); // 600000
 */
export function verificationIterations(encoded: string): number {
  return parse(encoded)?.iterations ?? PBKDF2_ITERATIONS;
}

/**
 * True when a stored hash is weaker than what {@link hashPassword} makes today (fewer iterations).
 *
 * @example
 * needsRehash(stored); // false for a hash made by hashPassword()
 */
export function needsRehash(encoded: string): boolean {
  const parsed = parse(encoded);
  return !parsed || parsed.iterations < PBKDF2_ITERATIONS;
}

/**
 * The hash of a random secret that was thrown away when this line was written: nothing matches it.
 * A constant (not made at start) so the first unknown-user login costs the same as every other.
 */
export const DUMMY_HASH =
  "pbkdf2-sha256$600000$x310qMzRLL8nC73gjMzjzw$CTUOUMNaUGY_IddpW9c9LEzCGAFoy4l58dqjGWPDrzE";

/**
 * Burns the time of one real verification for a user that does not exist, so "no such user" and
 * "wrong password" take the same time. Always false.
 *
 * @example
 * const ok = user ? await verifyPassword(pw, user.passwordHash) : await verifyDummy(pw);
 */
export async function verifyDummy(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}
