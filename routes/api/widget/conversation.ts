/**
 * `GET /api/widget/conversation` (the frame's token): the visitor's conversation with its latest
 * messages, how far the visitor has read (for the bubble's badge) and the address they left.
 */
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { openSupport } from "@/lib/support/support.ts";

const HISTORY = 50;

export const handler = {
  async GET(c: AppContext) {
    const session = assertSignedIn(c);
    const { store, hub } = c.var.services;
    const conversation = await openSupport(c.var.services, session);
    const page = await store.listMessages(conversation.room, { limit: HISTORY + 1 });
    const hasMore = page.length > HISTORY;
    const messages = hasMore ? page.slice(1) : page;
    c.header("Cache-Control", "no-store");
    return c.json({
      room: conversation.room,
      state: conversation.state,
      me: { id: session.userId, name: session.name, role: session.role },
      history: { messages, hasMore, lastSeq: messages.at(-1)?.seq ?? 0 },
      presence: hub.presence(conversation.room),
      readSeq: await store.getReadMark(conversation.room, session.userId),
      email: conversation.contact?.email ?? null,
    });
  },
};
