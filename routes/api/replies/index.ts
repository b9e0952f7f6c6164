import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { readKeyedJson } from "@/lib/web/keyed_body.ts";
import { addReply, removeReply, replyBody } from "@/lib/support/replies.ts";

export const handler = {
  /** Counselors: `{replies: [{id, title, text, createdBy, createdAt}]}`, oldest first. */
  async GET(c: AppContext) {
    assertCounselor(c);
    return c.json({ replies: await c.var.services.store.listReplies() });
  },
  /** Counselors: `{title, text}` → `{reply}` (201). */
  async POST(c: AppContext) {
    const session = assertCounselor(c);
    const reply = await addReply(
      c.var.services.store,
      session,
      await readKeyedJson(c, replyBody, "bad_reply"),
    );
    return c.json({ reply }, 201);
  },
  /** Counselors: `?id=` (or `DELETE /api/replies/:id`) → 204. */
  async DELETE(c: AppContext) {
    assertCounselor(c);
    await removeReply(c.var.services.store, c.req.query("id") ?? "");
    return c.body(null, 204);
  },
};
