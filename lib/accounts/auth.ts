/**
 * Sessions: an opaque random id in an HttpOnly, SameSite=Lax cookie (Secure over HTTPS), stored in
 * the store so a restart logs nobody out.
 */
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ulid } from "ulid";
import type { AppContext } from "@/lib/web/app_env.ts";
import type { Session, Store } from "@/lib/store/types.ts";
import type { Role } from "@/lib/shared/protocol.ts";
import { forbidden, unauthorized } from "@/lib/web/errors.ts";
import { isHttps } from "@/lib/web/origin.ts";

export const SESSION_COOKIE = "parley_session";
const SESSION_DAYS = 30;

/** 32 random bytes, base64url: unguessable and URL-safe. */
export function randomToken(bytes = 32): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...buf)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Session ids are base64url tokens; anything else is not looked up at all. */
const TOKEN = /^[A-Za-z0-9_-]{20,64}$/;

/**
 * Reads the session named by a Cookie header, or null.
 *
 * @example
 * const session = await sessionFromCookie(store, req.headers.get("cookie"));
 */
export async function sessionFromCookie(store: Store, cookieHeader: string | null): Promise<Session | null> {
  const id = cookieHeader?.split(/;\s*/).find((p) => p.startsWith(`${SESSION_COOKIE}=`))?.slice(
    SESSION_COOKIE.length + 1,
  );
  return id ? await loadSession(store, id) : null;
}

async function loadSession(store: Store, id: string): Promise<Session | null> {
  if (!TOKEN.test(id)) return null;
  const session = await store.getSession(id);
  if (!session || Date.parse(session.expiresAt) <= Date.now()) return null;
  return session;
}

/** The WebSocket subprotocol that carries a session token (the widget frame has no cookie). */
export const TOKEN_PROTOCOL_PREFIX = "parley-token.";

/**
 * The session token a request carries without a cookie: the embedded widget's frame is on another
 * site than its page, so browsers that block third-party cookies never send it ours. Its fetches
 * send `Authorization: Bearer`, and its WebSocket (which cannot set headers) offers the token as a
 * subprotocol. Neither is ambient, so neither can be forged by another site.
 */
export function tokenOf(req: Request): string | undefined {
  const bearer = req.headers.get("authorization")?.match(/^Bearer ([A-Za-z0-9_-]+)$/)?.[1];
  if (bearer) return bearer;
  return req.headers.get("sec-websocket-protocol")?.split(",").map((p) => p.trim())
    .find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
}

/**
 * The session of a request, from its token or else its cookie (the session middleware calls this
 * once). A token is sent on purpose, so it wins: a widget frame on a site that shares Parley's
 * registrable domain also carries the browser's own Parley cookie, which is someone else's session.
 */
export function readSession(c: AppContext): Promise<Session | null> {
  const id = tokenOf(c.req.raw) ?? getCookie(c, SESSION_COOKIE);
  return id ? loadSession(c.var.services.store, id) : Promise.resolve(null);
}

/**
 * Starts a guest session that travels as a token, not a cookie (the widget hands it to its frame).
 *
 * @example
 * const session = await startTokenSession(store, "Visitor");
 */
export async function startTokenSession(store: Store, name: string): Promise<Session> {
  const now = Date.now();
  const session: Session = {
    id: randomToken(),
    userId: newGuestId(),
    name,
    role: "guest",
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + SESSION_DAYS * 86_400_000).toISOString(),
  };
  await store.putSession(session);
  return session;
}

/**
 * Starts a new session for a user (a new id every time, so a login never reuses an old one).
 *
 * @example
 * await startSession(c, { userId: ulid(), name: "mina", role: "guest" });
 */
export async function startSession(
  c: AppContext,
  user: { userId: string; name: string; role: Role },
): Promise<Session> {
  const now = Date.now();
  const session: Session = {
    id: randomToken(),
    ...user,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + SESSION_DAYS * 86_400_000).toISOString(),
  };
  await c.var.services.store.putSession(session);
  setCookie(c, SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    path: "/",
    maxAge: SESSION_DAYS * 86_400,
  });
  c.set("session", session);
  return session;
}

/** Ends the request's session, if any, and clears the cookie. */
export async function endSession(c: AppContext): Promise<Session | null> {
  const session = c.get("session");
  if (session) await c.var.services.store.deleteSession(session.id);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  c.set("session", null);
  return session;
}

/** A new guest's user id; guests are not stored as users. */
export function newGuestId(): string {
  return `g_${ulid()}`;
}

/**
 * Narrows to a session or throws 401.
 *
 * @example
 * const session = assertSignedIn(c);
 */
export function assertSignedIn(c: AppContext): Session {
  const session = c.get("session");
  if (!session) throw unauthorized("Start a session first");
  return session;
}

/** Narrows to a counselor's session or throws 401/403. */
export function assertCounselor(c: AppContext): Session {
  const session = assertSignedIn(c);
  if (session.role !== "counselor") throw forbidden("Counselors only");
  return session;
}
