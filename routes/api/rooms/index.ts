import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { createRoom, lobbyPage, toRoomView } from "@/lib/rooms/rooms.ts";
import { limitRoomCreation } from "@/lib/rooms/creation_limit.ts";
import { requireName } from "@/lib/web/names.ts";
import { unreadCount } from "@/lib/rooms/unread.ts";

const createBody = z.object({
  name: z.string().max(16_384),
  visibility: z.enum(["public", "private"]).default("public"),
});

export const handler = {
  /**
   * `?cursor=` → `{rooms, nextCursor, mine}`: one page of public rooms (oldest first, at most
   * LOBBY_PAGE_SIZE), the cursor of the next page (null on the last), and the caller's own rooms.
   */
  async GET(c: AppContext) {
    const { store, hub } = c.var.services;
    const { rooms, nextCursor } = await lobbyPage(c, c.req.query("cursor"));
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
    return c.json({ rooms, nextCursor, mine });
  },
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const body = await readJson(c, createBody);
    const name = requireName(c.var.i18n, "room", body.name);
    await limitRoomCreation(c, session);
    const room = await createRoom(c.var.services.store, session, { ...body, name });
    return c.json(toRoomView(room, { withInvite: true, count: 0 }), 201);
  },
};
