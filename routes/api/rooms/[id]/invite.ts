import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { badRequest, forbidden, notFound } from "@/lib/web/errors.ts";
import { newInviteCode, roomForSession, toRoomView } from "@/lib/rooms/rooms.ts";

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const handler = {
  /** The owner rotates the room's invite code: → the room with the new code; the old one stops working. */
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const id = c.req.param("id") ?? "";
    if (!ROOM_ID.test(id)) throw notFound("No such room");
    const { store } = c.var.services;
    const room = await roomForSession(store, session, id);
    if (room.visibility !== "private") {
      throw badRequest("Only private rooms have invite codes", "not_private");
    }
    if (room.ownerId !== session.userId) throw forbidden("Only the room's owner can change its invite code");
    const inviteCode = newInviteCode();
    await store.setInviteCode(room.id, inviteCode);
    return c.json(toRoomView({ ...room, inviteCode }, { withInvite: true }));
  },
};
