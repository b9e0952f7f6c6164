/**
 * The counselors' shared saved replies (title + text, any language): listed oldest first, added and
 * deleted by any counselor.
 */
import { monotonicFactory } from "ulid";
import { z } from "zod";
import type { SavedReply } from "@/lib/store/tools.ts";
import type { Session, Store } from "@/lib/store/types.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import { notFound } from "@/lib/web/errors.ts";

/** Ids in creation order even within one millisecond (the list is oldest first). */
const ulid = monotonicFactory();

export const REPLY_TITLE_MAX = 80;
export const REPLY_TEXT_MAX = 2000;

/** The body of `POST /api/replies`; messages are i18n keys. */
export const replyBody = z.object({
  title: z.string().trim().min(1, "console.err.replyTitle").max(REPLY_TITLE_MAX, "console.err.replyTitle"),
  text: z.string().trim().min(1, "console.err.replyText").max(REPLY_TEXT_MAX, "console.err.replyText"),
});

/**
 * @example
 * const reply = await addReply(store, session, { title: "Hours", text: "9 to 6, KST" });
 */
export async function addReply(
  store: Store,
  session: Session,
  input: z.infer<typeof replyBody>,
): Promise<SavedReply> {
  const reply: SavedReply = {
    id: ulid(),
    title: input.title.normalize("NFC"),
    text: input.text.normalize("NFC"),
    createdBy: userRefOf(session),
    createdAt: new Date().toISOString(),
  };
  await store.createReply(reply);
  return reply;
}

/** Throws 404 when there is no such reply. */
export async function removeReply(store: Store, id: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id) || !(await store.deleteReply(id))) {
    throw notFound("console.err.noReply");
  }
}
