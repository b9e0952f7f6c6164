/**
 * `GET /api/widget/conversation` (the frame's token): the visitor's conversation with its latest
 * messages, how far the visitor has read (for the bubble's badge) and the address they left.
 */
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { openSupport } from "@/lib/support/support.ts";
import { historyPage } from "@/lib/rooms/history.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";

const HISTORY = 50;

export const handler = {
  async GET(c: AppContext) {
    const session = assertSignedIn(c);
    const { store, hub } = c.var.services;
    const conversation = await openSupport(c.var.services, session);
    const { messages, hasMore } = await historyPage(store, conversation.room, {
      limit: HISTORY,
      role: session.role,
    });
    c.header("Cache-Control", "no-store");
    return c.json({
      room: conversation.room,
      state: conversation.state,
      me: userRefOf(session),
      history: { messages, hasMore, lastSeq: messages.at(-1)?.seq ?? 0 },
      presence: hub.presence(conversation.room),
      readSeq: await store.getReadMark(conversation.room, session.userId),
      email: conversation.contact?.email ?? null,
    });
  },
};
