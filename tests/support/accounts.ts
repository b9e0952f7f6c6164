/** Helpers for the accounts tests over HTTP (tests/accounts_test.ts, tests/accounts_throttle_test.ts). */
import assert from "node:assert/strict";
import type { TestApp, TestClient } from "@/tests/support/app.ts";

export const PW = "correct horse battery";
let n = 0;
export const uname = (prefix = "user") => `${prefix}_${Date.now().toString(36)}${(n++).toString(36)}`;

/** Opens the app, runs `fn`, closes it. */
export async function withApp(open: () => Promise<TestApp>, fn: (t: TestApp) => Promise<void>) {
  const t = await open();
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

/** Signs up on `c` and checks the 201. */
export async function signUp(c: TestClient, username = uname(), password = PW) {
  const r = await c.post("/api/signup", { username, password });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return { username, id: r.json!.id as string };
}

/** The session id in the client's cookie jar. */
export function sessionCookie(c: TestClient): string {
  return /parley_session=([^;]+)/.exec(c.cookie)?.[1] ?? "";
}
