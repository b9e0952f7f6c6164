import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { badRequest, forbidden } from "@/lib/web/errors.ts";
import { roomForSession } from "@/lib/rooms/rooms.ts";

const body = z.object({ action: z.enum(["mute", "unmute", "remove", "restore"]) });
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const handler = {
  /**
   * The room's owner moderates a member: `{action: "mute"|"unmute"|"remove"|"restore"}` → `{state}`.
   * A removed member is put out of the room at once and cannot join again until restored.
   */
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const { t } = c.get("i18n");
    const { store, hub } = c.var.services;
    const room = await roomForSession(store, session, c.req.param("id") ?? "");
    const user = c.req.param("user") ?? "";
    if (!USER_ID.test(user)) throw badRequest("Bad user id");
    if (room.visibility === "support" || room.ownerId !== session.userId) {
      throw forbidden(t("messages.error.notOwner"));
    }
    if (user === session.userId) throw badRequest(t("messages.error.notOwner"));
    const { action } = await readJson(c, body);
    const state = action === "mute" ? "muted" : action === "remove" ? "removed" : null;
    await store.setMemberState(room.id, user, state);
    hub.moderate(room.id, user, state);
    return c.json({ state });
  },
};
