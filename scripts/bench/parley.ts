/** Parley's HTTP side, as a client program sees it (SPEC.md): guest sessions and rooms. */

async function json(res: Response, what: string) {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Starts a guest session; returns the `name=value` cookie to send back. */
export async function guestCookie(base: string, nickname: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname }),
  });
  await json(res, "POST /api/session");
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  if (!cookie) throw new Error("POST /api/session set no cookie");
  return cookie;
}

export async function guestCookies(base: string, count: number): Promise<string[]> {
  return await Promise.all(Array.from({ length: count }, (_, i) => guestCookie(base, `bench${i}`)));
}

/** Creates public rooms over HTTP, a few at a time; returns their ids. */
export async function createRooms(base: string, cookie: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const tag = Math.random().toString(36).slice(2, 8);
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, async (_, k) => {
      const res = await fetch(`${base}/api/rooms`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({ name: `bench ${tag} ${i + k}`, visibility: "public" }),
      });
      const body = await json(res, "POST /api/rooms");
      return (body.room ?? body).id as string;
    });
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}
