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
  // Few at a time, each retried: set-up is not what is measured (a 5xx here is still reported if it persists).
  const make = async (name: string, tries = 3): Promise<string> => {
    const res = await fetch(`${base}/api/rooms`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ name, visibility: "public" }),
    });
    if (res.status >= 500 && tries > 1) {
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
      return make(name, tries - 1);
    }
    const body = await json(res, "POST /api/rooms");
    return (body.room ?? body).id as string;
  };
  for (let i = 0; i < count; i += 4) {
    const batch = Array.from({ length: Math.min(4, count - i) }, (_, k) => make(`bench ${tag} ${i + k}`));
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}
