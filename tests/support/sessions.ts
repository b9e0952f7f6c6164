/**
 * Sessions for HTTP tests of support and programs: a counselor is made straight in the store (no
 * web path grants the role), and requests carry the session cookie by hand.
 */
import type { Hono } from "hono";
import type { AppEnv } from "@/lib/web/app_env.ts";
import type { Session, Store } from "@/lib/store/types.ts";
import type { Role } from "@/lib/shared/protocol.ts";
import { randomToken, SESSION_COOKIE } from "@/lib/accounts/auth.ts";

/**
 * Stores a session with this role and returns it.
 *
 * @example
 * const mina = await makeSession(store, "counselor", "mina");
 */
export async function makeSession(
  store: Store,
  role: Role,
  name = `${role}-${randomToken(3)}`,
): Promise<Session> {
  const now = Date.now();
  const session: Session = {
    id: randomToken(),
    userId: `${role === "guest" ? "g" : "u"}_${crypto.randomUUID()}`,
    name,
    role,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
  };
  await store.putSession(session);
  return session;
}

export interface Answer {
  status: number;
  // deno-lint-ignore no-explicit-any -- answers are checked field by field in tests
  json: any;
  res: Response;
}

/**
 * Calls the app as `session` (or anonymously); a body makes it a JSON POST.
 *
 * @example
 * const { status, json } = await call(app, "/api/support", { session, body: {} });
 */
export async function call(
  app: Hono<AppEnv>,
  path: string,
  options: { session?: Session | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.session) headers.cookie = `${SESSION_COOKIE}=${options.session.id}`;
  const init: RequestInit = { headers };
  if (options.body !== undefined) {
    init.method = "POST";
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const res = await app.request(path, init, {
    remoteAddr: { hostname: "127.0.0.1", port: 40000, transport: "tcp" },
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, res };
}
