/** A counselor account made in the server's KV file, and its session cookie from a real login. */
import { ulid } from "ulid";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { hashPassword } from "@/lib/accounts/password.ts";

/**
 * @example
 * const cookie = await counselorCookie(server.url, server.kvPath);
 */
export async function counselorCookie(url: string, kvPath: string, username = "mina"): Promise<string> {
  const store = await openKvStore(kvPath);
  try {
    await store.createUser({
      id: ulid(),
      username,
      role: "counselor",
      passwordHash: await hashPassword("correct horse battery"),
      createdAt: new Date().toISOString(),
    });
  } finally {
    await store.close();
  }
  const res = await fetch(`${url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "correct horse battery" }),
  });
  await res.body?.cancel();
  return res.headers.get("set-cookie")!.split(";")[0];
}
