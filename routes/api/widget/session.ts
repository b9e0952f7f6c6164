/**
 * `POST /api/widget/session {origin, locale?}`: the widget frame's visitor session. The frame has no
 * cookie of ours on a site that blocks third-party cookies, so the session is answered as a token
 * the frame hands to widget.js on the host page (which keeps it in that site's own storage).
 * A site not in WIDGET_ORIGINS gets 403 and no session or conversation is made.
 */
import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { startTokenSession } from "@/lib/accounts/auth.ts";
import { limitGuestSessions } from "@/lib/accounts/guest_limit.ts";
import { readJson } from "@/lib/web/http.ts";
import { HttpError } from "@/lib/web/errors.ts";
import { openSupport } from "@/lib/support/support.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";

const body = z.object({ origin: z.string().max(300) });

export const handler = {
  async POST(c: AppContext) {
    const { origin } = await readJson(c, body);
    if (!c.var.services.config.widgetOrigins.includes(origin)) {
      throw new HttpError(403, "widget_origin", c.var.i18n.t("widget.origin.refused"));
    }
    await limitGuestSessions(c);
    // A number tells visitors apart in the queue ("Visitor 4821"); the widget asks for no name.
    const number = 1000 + (crypto.getRandomValues(new Uint16Array(1))[0] % 9000);
    const name = `${c.var.i18n.t("widget.visitor")} ${number}`;
    const session = await startTokenSession(c.var.services.store, name);
    const conversation = await openSupport(c.var.services, session);
    return c.json({
      token: session.id,
      me: userRefOf(session),
      room: conversation.room,
    }, 201);
  },
};
