/** Helpers for the counselors' tools over the API (tests/console_tools_test.ts, tests/console_records_test.ts). */
import type { Session, Store } from "@/lib/store/types.ts";
import type { TestApp } from "@/tests/support/app.ts";
import { call, makeSession } from "@/tests/support/sessions.ts";
import { SESSION_COOKIE } from "@/lib/accounts/auth.ts";
import type { Hono } from "hono";
import type { AppEnv } from "@/lib/web/app_env.ts";
import { indexConversation } from "@/lib/support/search_index.ts";

/** A counselor with an account (the transfer list lists accounts) and a session. */
export async function counselor(store: Store, name: string): Promise<Session> {
  const session = await makeSession(store, "counselor", name);
  await store.createUser({
    id: session.userId,
    username: name,
    role: "counselor",
    passwordHash: "x",
    createdAt: new Date().toISOString(),
  });
  return session;
}

/** A request with any method. */
export async function send(
  app: Hono<AppEnv>,
  method: string,
  path: string,
  session?: Session,
  body?: unknown,
) {
  const headers: Record<string, string> = { accept: "application/json", "accept-language": "ko" };
  if (session) headers.cookie = `${SESSION_COOKIE}=${session.id}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await app.request(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  }, {
    remoteAddr: { hostname: "127.0.0.1", port: 40000, transport: "tcp" },
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, res, text };
}

/** A user's conversation with one message in it (stored as the hub would). */
export async function conversation(t: TestApp, name = "민지", text = "안녕하세요") {
  const user = await makeSession(t.services.store, "user", name);
  const { room } = (await call(t.app, "/api/support", { session: user, body: {} })).json;
  await t.services.store.appendMessage({
    room,
    kind: "text",
    author: { id: user.userId, name, role: "user" },
    clientId: `c-${room}`,
    text,
  });
  // As the hub's support hook does after each stored message.
  await indexConversation(t.services.store, room);
  return { user, room: room as string };
}
