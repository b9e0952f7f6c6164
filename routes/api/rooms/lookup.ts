import type { AppContext } from "@/lib/web/app_env.ts";
import { notFound } from "@/lib/web/errors.ts";
import { canAccess, toRoomView } from "@/lib/rooms/rooms.ts";

export const handler = {
  /** `?name=` → the room of that name (case-insensitive) if the session may enter it, else 404. */
  async GET(c: AppContext) {
    const { store } = c.var.services;
    const name = (c.req.query("name") ?? "").trim();
    const room = name ? await store.getRoomByName(name) : null;
    // A private room the caller may not enter is reported as missing, so names do not leak.
    if (!room || !(await canAccess(store, c.get("session"), room))) throw notFound("No room by that name");
    return c.json(toRoomView(room));
  },
};
