/**
 * Accounts: sign-up, log-in and log-out on top of the sessions of `auth.ts`.
 *
 * - Usernames are 3–32 letters (Hangul too) or digits or `. _ -`, NFC-normalized, unique without regard
 *   to case (the store enforces it); see `lib/shared/names.ts`.
 * - Passwords are at least 8 characters and hashed with PBKDF2 (`password.ts`).
 * - A log-in answers the same (401 `invalid_credentials`, same message, same time) for an unknown
 *   user and a wrong password. Throttled as OWASP's authentication cheat sheet describes, so that an
 *   attacker is slowed and the owner is not locked out: failures per username *and* address pair (a
 *   long window), a short back-off for the username alone that an address the account signed in
 *   from before does not feel, failures per address, and every password check against a per-address
 *   budget, so nobody can make the server burn CPU on hashes without bound.
 * - Every log-in and sign-up issues a new session id and ends the previous session (its sockets
 *   close), so a session id planted before a log-in is worth nothing after it.
 * - A guest who signs up keeps their user id: their rooms, memberships and support conversation stay
 *   theirs. A guest who logs in to an existing account brings the private rooms they had joined.
 */
import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import type { Config } from "@/lib/ops/config.ts";
import type { Services } from "@/lib/ops/services.ts";
import type { Session } from "@/lib/store/types.ts";
import { endSession, startSession } from "@/lib/accounts/auth.ts";
import { badRequest, HttpError } from "@/lib/web/errors.ts";
import { clientAddress, enforce, Throttle } from "@/lib/accounts/throttle.ts";
import { hashPassword, needsRehash, verifyDummy, verifyPassword } from "@/lib/accounts/password.ts";
import { ulid } from "ulid";
import { checkName, nameKey as nameKeyOf } from "@/lib/shared/names.ts";
import { requireName } from "@/lib/web/names.ts";
import { type Translator, translator } from "@/lib/shared/i18n/mod.ts";

export const PASSWORD_MIN = 8;
/** PBKDF2 hashes long keys cheaply, but nobody needs more and the body stays small. */
export const PASSWORD_MAX = 1024;

/**
 * What the routes accept: two plain strings and nothing else. Objects such as `{"$ne": null}` fail
 * here with 400, long before anything reaches a store.
 */
export const credentialsSchema = z.object({
  username: z.string({ error: "username must be a string" }).max(64, "Usernames are at most 32 characters"),
  password: z.string({ error: "password must be a string" }).max(PASSWORD_MAX, "That password is too long"),
});

export type Credentials = z.infer<typeof credentialsSchema>;

/** The few passwords every attacker tries first; refusing them costs nothing. */
const COMMON = new Set(
  "password password1 passw0rd 12345678 123456789 1234567890 11111111 00000000 qwertyui qwerty123 iloveyou abcdefgh letmein1"
    .split(" "),
);

/**
 * Checks a new username; returns it NFC-normalized or throws 400 `bad_username`.
 *
 * @example
 * validateUsername("김민아"); // "김민아"
 */
export function validateUsername(username: string, i18n: Translator = translator("en")): string {
  return requireName(i18n, "username", username);
}

/**
 * Checks a new password; throws 400 `weak_password` with the reason.
 *
 * @example
 * validatePassword("correct horse", "mina");
 */
export function validatePassword(password: string, username: string): void {
  if ([...password].length < PASSWORD_MIN) {
    throw badRequest(`Passwords are at least ${PASSWORD_MIN} characters`, "weak_password");
  }
  if (password.toLowerCase() === username.toLowerCase()) {
    throw badRequest("Choose a password that is not your username", "weak_password");
  }
  if (COMMON.has(password.toLowerCase())) throw badRequest("That password is too common", "weak_password");
}

export interface AccountLimits {
  /** Log-in attempts per username+address pair per `failureWindowMs` before 429 (a success clears it). */
  failuresPerPair: number;
  /** Log-in attempts per username from addresses it never signed in from, per `usernameWindowMs`. */
  attemptsPerUsername: number;
  usernameWindowMs: number;
  /** Failed log-ins per address per window before 429. */
  failuresPerAddress: number;
  failureWindowMs: number;
  /** Password hashes (sign-ups and log-ins, right or wrong) per address per minute: bounds CPU. */
  hashesPerAddressPerMinute: number;
  /** Unknown invite codes per address per window before 429 (codes are unguessable anyway). */
  inviteFailuresPerAddress: number;
}

export const DEFAULT_ACCOUNT_LIMITS: AccountLimits = {
  failuresPerPair: 10,
  attemptsPerUsername: 10,
  usernameWindowMs: 30_000,
  failuresPerAddress: 50,
  failureWindowMs: 15 * 60_000,
  hashesPerAddressPerMinute: 30,
  inviteFailuresPerAddress: 30,
};

export interface AccountThrottles {
  byPair: Throttle;
  byUsername: Throttle;
  byAddress: Throttle;
  hashes: Throttle;
  invites: Throttle;
}

// One set of limits per configuration, i.e. per app; the counts live in the app's store.
const limitsByConfig = new WeakMap<Config, AccountLimits>();

/**
 * The account limits of one app. Pass `limits` once, before the first request, to change them (tests).
 *
 * @example
 * accountLimits(services.config, { failuresPerPair: 3 });
 */
export function accountLimits(config: Config, limits?: Partial<AccountLimits>): AccountLimits {
  let current = limitsByConfig.get(config);
  if (!current || limits) {
    current = { ...DEFAULT_ACCOUNT_LIMITS, ...limits };
    limitsByConfig.set(config, current);
  }
  return current;
}

/**
 * The account throttles of one app, counting in its store (so across isolates and processes).
 *
 * @example
 * await accountThrottles(c.var.services).invites.hit(clientAddress(c));
 */
export function accountThrottles({ config, store }: Pick<Services, "config" | "store">): AccountThrottles {
  const l = accountLimits(config);
  return {
    byPair: new Throttle(store, "login-pair", l.failuresPerPair, l.failureWindowMs),
    byUsername: new Throttle(store, "login-name", l.attemptsPerUsername, l.usernameWindowMs),
    byAddress: new Throttle(store, "login-addr", l.failuresPerAddress, l.failureWindowMs),
    hashes: new Throttle(store, "hash-addr", l.hashesPerAddressPerMinute, 60_000),
    invites: new Throttle(store, "invite-addr", l.inviteFailuresPerAddress, l.failureWindowMs),
  };
}

const INVALID = "Wrong username or password";
const KNOWN_ADDRESS_MS = 30 * 86_400_000;

/** Ends `previous` everywhere: its record and, through the hub, its sockets on every node. */
async function retire(c: AppContext, previous: Session | null): Promise<void> {
  if (!previous) return;
  await c.var.services.store.deleteSession(previous.id);
  await c.var.services.hub.endSession(previous.id);
}

/**
 * Creates an account and signs it in with a new session. A guest keeps their user id.
 *
 * @example
 * const session = await signUp(c, { username: "mina", password: "correct horse" });
 */
export async function signUp(c: AppContext, input: Credentials): Promise<Session> {
  const { store } = c.var.services;
  const username = validateUsername(input.username, c.var.i18n);
  validatePassword(input.password, username);
  await enforce(
    accountThrottles(c.var.services).hashes,
    clientAddress(c),
    "Too many attempts from your address; wait a minute",
  );
  // Checked before hashing so a taken name costs no CPU; createUser re-checks atomically.
  if (await store.getUserByUsername(username)) {
    throw new HttpError(409, "username_taken", `The username "${username}" is taken`);
  }
  const previous = c.get("session");
  const id = previous?.role === "guest" ? previous.userId : ulid();
  const passwordHash = await hashPassword(input.password);
  await store.createUser({ id, username, role: "user", passwordHash, createdAt: new Date().toISOString() });
  await store.bumpCounter(
    `login-known:${nameKeyOf(username)}\u0000${clientAddress(c)}`,
    Date.now() + KNOWN_ADDRESS_MS,
  );
  await retire(c, previous);
  return await startSession(c, { userId: id, name: username, role: "user" });
}

/**
 * Checks a username and password and signs in with a new session; 401 `invalid_credentials` for an
 * unknown user and a wrong password alike, 429 with Retry-After after repeated failures.
 *
 * @example
 * const session = await logIn(c, { username: "mina", password: "correct horse" });
 */
export async function logIn(c: AppContext, input: Credentials): Promise<Session> {
  const { store } = c.var.services;
  const throttles = accountThrottles(c.var.services);
  const address = clientAddress(c);
  const typed = checkName("username", input.username);
  const nameKey = nameKeyOf(typed.ok ? typed.name : input.username);
  const pairKey = `${nameKey}\u0000${address}`;
  // Attempts count before the hash, so guesses sent all at once cannot all pass the check before the
  // first failure is recorded; a success clears the pair's count again.
  const known = (await store.readCounter(`login-known:${pairKey}`)) > 0;
  const waits = await Promise.all([
    throttles.byPair.hit(pairKey),
    known ? 0 : throttles.byUsername.hit(nameKey),
    throttles.byAddress.peek(address),
  ]);
  const wait = Math.max(...waits);
  if (wait > 0) {
    throw new HttpError(429, "rate_limited", translator("en").t("limits.login_backoff", { wait }), {
      "Retry-After": String(wait),
    });
  }
  await enforce(throttles.hashes, address, "Too many attempts from your address; wait a minute");

  // A name that cannot exist is never looked up, but costs the same time as one that might.
  const user = typed.ok ? await store.getUserByUsername(typed.name) : null;
  const ok = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyDummy(input.password);
  if (!user || !ok) {
    await throttles.byAddress.hit(address);
    throw new HttpError(401, "invalid_credentials", INVALID);
  }
  await throttles.byPair.reset(pairKey);
  // The owner's address: the username's back-off (what an attacker elsewhere sets off) spares it.
  await store.bumpCounter(`login-known:${pairKey}`, Date.now() + KNOWN_ADDRESS_MS);
  if (needsRehash(user.passwordHash)) {
    await store.setUserPassword(user.id, await hashPassword(input.password));
  }

  const previous = c.get("session");
  if (previous?.role === "guest" && previous.userId !== user.id) {
    await carryMemberships(c, previous.userId, user.id);
  }
  await retire(c, previous);
  return await startSession(c, { userId: user.id, name: user.username, role: user.role });
}

/** The rooms a guest had made or joined become the account's too (support rooms stay with the guest). */
async function carryMemberships(c: AppContext, from: string, to: string): Promise<void> {
  const { store } = c.var.services;
  for (const room of await store.listRoomsOf(from)) {
    if (room.visibility !== "support") await store.addMember(room.id, to);
  }
}

/**
 * Ends the request's session and closes its sockets (code 4403) on every node.
 *
 * @example
 * await logOut(c);
 */
export async function logOut(c: AppContext): Promise<Session | null> {
  const session = await endSession(c);
  if (session) await c.var.services.hub.endSession(session.id);
  return session;
}

export { accountFormPost, safeNext } from "@/lib/accounts/account_form.ts";
