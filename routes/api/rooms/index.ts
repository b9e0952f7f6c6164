import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { createRoom, toRoomView } from "@/lib/rooms/rooms.ts";
import { unreadCount } from "@/lib/rooms/unread.ts";

const createBody = z.object({
  name: z.string(),
  visibility: z.enum(["public", "private"]).default("public"),
});

export const handler = {
  async GET(c: AppContext) {
    const { store, hub } = c.var.services;
    const counts = hub.counts();
    const rooms = (await store.listPublicRooms()).map((r) => toRoomView(r, { count: counts[r.id] ?? 0 }));
    const session = c.get("session");
    const own = session
      ? (await store.listRoomsOf(session.userId)).filter((r) => r.visibility !== "support")
      : [];
    const mine = await Promise.all(own.map(async (r) =>
      toRoomView(r, {
        withInvite: true,
        count: hub.presence(r.id).count,
        unread: await unreadCount(store, r.id, session!.userId),
      })
    ));
    return c.json({ rooms, mine });
  },
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const body = await readJson(c, createBody);
    const room = await createRoom(c.var.services.store, session, body);
    return c.json(toRoomView(room, { withInvite: true, count: 0 }), 201);
  },
};
