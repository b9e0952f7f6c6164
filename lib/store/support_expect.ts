/**
 * The precondition of `updateSupport`, checked the same way by both stores.
 */
import { StoreConflictError } from "./errors.ts";
import type { SupportConversation, SupportExpect } from "./types.ts";

/**
 * Whether a stored support conversation meets an `updateSupport` precondition (none: always).
 *
 * @example
 * meetsSupportExpect(conversation, { state: "waiting", counselorId: null });
 */
export function meetsSupportExpect(conversation: SupportConversation, expect?: SupportExpect): boolean {
  if (!expect) return true;
  if (expect.state !== undefined && conversation.state !== expect.state) return false;
  return expect.counselorId === undefined || (conversation.counselor?.id ?? null) === expect.counselorId;
}

/** What `updateSupport` throws when its precondition no longer holds. */
export function supportChanged(): Error {
  return new StoreConflictError("support_changed", "The conversation changed in the meantime");
}
