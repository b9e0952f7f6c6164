import type { AppContext } from "@/lib/web/app_env.ts";
import type { SupportState } from "@/lib/shared/protocol.ts";
import { assertCounselor, assertSignedIn } from "@/lib/accounts/auth.ts";
import { badRequest } from "@/lib/web/errors.ts";
import { listQueue, openSupport } from "@/lib/support/support.ts";

const STATES: SupportState[] = ["waiting", "active", "closed"];

export const handler = {
  /** Counselors: the queue `{conversations}` (optionally `?state=`), with unread counts for the caller. */
  async GET(c: AppContext) {
    const session = assertCounselor(c);
    const state = c.req.query("state") || undefined;
    if (state !== undefined && !STATES.includes(state as SupportState)) {
      throw badRequest("state must be waiting, active or closed", "bad_query");
    }
    const conversations = await listQueue(c.var.services.store, session, state as SupportState | undefined);
    return c.json({ conversations });
  },
  /** The caller's own conversation `{room, state}`, made on the first call. */
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const conversation = await openSupport(c.var.services, session);
    return c.json({ room: conversation.room, state: conversation.state });
  },
};
