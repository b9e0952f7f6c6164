import type { AppContext } from "@/lib/web/app_env.ts";
import { badRequest } from "@/lib/web/errors.ts";
import { roomForSession } from "@/lib/rooms/rooms.ts";
import { historyPage } from "@/lib/rooms/history.ts";

const MAX_LIMIT = 100;

function intParam(c: AppContext, name: string, fallback: number | undefined, min: number, max: number) {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw badRequest(`${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

export const handler = {
  /** `?before=SEQ&limit=N` → `{messages, hasMore}`, newest last. */
  async GET(c: AppContext) {
    const { store } = c.var.services;
    const session = c.get("session");
    const room = await roomForSession(store, session, c.req.param("id") ?? "");
    const before = intParam(c, "before", undefined, 1, Number.MAX_SAFE_INTEGER);
    const limit = intParam(c, "limit", 50, 1, MAX_LIMIT)!;
    // Private notes only ever reach counselors.
    return c.json(await historyPage(store, room.id, { before, limit, role: session?.role ?? "guest" }));
  },
};
