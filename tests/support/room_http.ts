/**
 * Rooms and sessions over plain HTTP for the fault and soak tests: a guest's cookie, a new room, and a
 * room's whole history read page by page.
 */
import type { Message, UserRef } from "@/lib/shared/protocol.ts";
import { waitFor } from "./wait.ts";

/** Opens a guest session on `baseUrl` and returns its cookie (`parley_session=…`). */
export async function guestCookie(
  baseUrl: string,
  nickname: string,
): Promise<{ cookie: string; user: UserRef }> {
  const res = await fetch(`${baseUrl}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname }),
  });
  if (res.status !== 201) throw new Error(`POST /api/session: ${res.status} ${await res.text()}`);
  const user = await res.json() as UserRef;
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) =>
    c.startsWith("parley_session=")
  );
  if (!cookie) throw new Error("POST /api/session set no session cookie");
  return { cookie, user };
}

/** Creates a public room and returns its id. */
export async function createRoom(baseUrl: string, cookie: string, name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/rooms`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ name, visibility: "public" }),
  });
  if (res.status !== 201) throw new Error(`POST /api/rooms: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

/** Reads a room's whole history over HTTP, oldest first. */
export async function fullHistory(baseUrl: string, cookie: string, room: string): Promise<Message[]> {
  const all: Message[] = [];
  let before: number | undefined;
  for (;;) {
    const q = before === undefined ? "limit=100" : `limit=100&before=${before}`;
    // A busy or paused database answers 503 for a while: ask again until it answers, for up to a
    // minute (nothing outside the server tells when its database is back).
    const res = await waitFor(
      async () => {
        const res = await fetch(`${baseUrl}/api/rooms/${room}/messages?${q}`, { headers: { cookie } });
        if (res.status !== 503) return res;
        await res.body?.cancel();
      },
      "the database to answer",
      { timeoutMs: 60_000, everyMs: 2_000 },
    );
    if (!res.ok) throw new Error(`GET messages: ${res.status} ${await res.text()}`);
    const page = await res.json() as { messages: Message[]; hasMore: boolean };
    all.unshift(...page.messages);
    if (!page.hasMore || page.messages.length === 0) return all;
    before = page.messages[0].seq;
  }
}
