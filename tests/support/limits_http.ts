/**
 * Helpers for the limits tests over HTTP (tests/limits_http_test.ts, tests/limits_accounts_http_test.ts).
 * The server believes X-Forwarded-For from 127.0.0.1 (TRUSTED_PROXIES), so each test speaks from
 * addresses of its own.
 */
import assert from "node:assert/strict";
import { startServer, type TestServer } from "@/tests/support/server.ts";

export const PW = "correct horse battery";
let n = 0;
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}`;
let addressCounter = 0;
export const newAddress = () => `203.0.${(++addressCounter >> 8) & 255}.${addressCounter & 255}`;

export interface Call {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  cookie?: string;
  from?: string;
  headers?: Record<string, string>;
}

/** One request on a fresh connection (so requests spread over both isolates). */
export async function call(server: TestServer, path: string, init: Call = {}) {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(server.url + path, {
      client,
      redirect: "manual",
      method: init.method ?? (init.json === undefined && init.body === undefined ? "GET" : "POST"),
      headers: {
        accept: "application/json",
        ...(init.json === undefined ? {} : { "content-type": "application/json" }),
        ...(init.cookie ? { cookie: init.cookie } : {}),
        ...(init.from ? { "x-forwarded-for": init.from } : {}),
        ...init.headers,
      },
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    });
    const text = await res.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(text);
    } catch { /* HTML */ }
    const cookie = res.headers.get("set-cookie")?.split(";")[0];
    return { status: res.status, headers: res.headers, text, json, cookie };
  } finally {
    client.close();
  }
}

/** The `code` of an error answer. */
export const codeOf = (r: { json: Record<string, unknown> | null }) =>
  (r.json?.error as { code?: string })?.code;

/** A guest session from `from`. */
export async function guest(server: TestServer, from = newAddress(), nickname = unique("g")) {
  const r = await call(server, "/api/session", { json: { nickname }, from });
  assert.equal(r.status, 201, r.text);
  return { cookie: r.cookie!, from };
}

/** A new account signed up from `from`. */
export async function account(server: TestServer, from = newAddress()) {
  const username = unique("u");
  const r = await call(server, "/api/signup", { json: { username, password: PW }, from });
  assert.equal(r.status, 201, r.text);
  return { username, cookie: r.cookie!, from, id: r.json!.id as string };
}

/** The server's limits, low enough to cross in a test. */
export const ENV = {
  TRUSTED_PROXIES: "127.0.0.1",
  ROOMS_PER_USER_PER_HOUR: "3",
  ROOMS_PER_ADDRESS_PER_HOUR: "5",
  LOBBY_PAGE_SIZE: "4",
};

/** A list of steps for one test: one server for them all, started and stopped by `runCases`. */
export type Cases = [string, (s: TestServer) => Promise<void>][];

/**
 * The steps of one test and the function that adds one: `test(name, fn)` for each, then
 * `runCases(t, cases)`.
 */
export function caseList(): {
  cases: Cases;
  test: (name: string, fn: (s: TestServer) => Promise<void>) => void;
} {
  const cases: Cases = [];
  return { cases, test: (name, fn) => void cases.push([name, fn]) };
}

/**
 * Runs each case as a step of `t` on one server started with `env` (default `ENV`), printing its
 * output on a failure.
 */
export async function runCases(
  t: Deno.TestContext,
  cases: Cases,
  env: Record<string, string> = ENV,
): Promise<void> {
  const s = await startServer({ env });
  try {
    for (const [name, fn] of cases) {
      await t.step(name, async () => {
        try {
          await fn(s);
        } catch (error) {
          console.error(`--- server output ---\n${s.output().slice(-4_000)}`);
          throw error;
        }
      });
    }
  } finally {
    await s.stop();
  }
}
