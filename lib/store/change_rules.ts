/**
 * What an edit, a delete or a reaction does to a stored message, and who may do it: one pure
 * function both stores run inside their atomic write, so they accept and refuse exactly the same.
 */
import type { FileRef, Message, Reaction } from "@/lib/shared/protocol.ts";
import type { ChangeInput } from "./types.ts";
import { withoutUndefined } from "./records.ts";
import { StoreConflictError, StoreForbiddenError, StoreInvalidError } from "./errors.ts";

/** Distinct emoji one message may carry. */
export const MAX_REACTIONS = 20;

/**
 * The message after `input`'s change, or a typed error (nothing changes).
 *
 * @example
 * const { message } = applyChange(stored, { room, id, by, change: { op: "edit", text: "fixed" } });
 */
export function applyChange(
  current: Message,
  input: ChangeInput,
  now = new Date(),
): { message: Message; removedFile?: FileRef } {
  if (current.deleted) throw new StoreConflictError("message_deleted", "This message was deleted");
  const own = current.author.id === input.by.id;
  const change = input.change;
  switch (change.op) {
    case "edit": {
      if (!own) throw new StoreForbiddenError("forbidden", "Only the author may edit a message");
      if (current.kind !== "text") {
        throw new StoreInvalidError("not_text", "Only text messages can be edited");
      }
      const window = input.editWindowMs;
      if (window !== undefined && now.getTime() - Date.parse(current.at) > window) {
        throw new StoreForbiddenError("edit_window_passed", "This message can no longer be edited");
      }
      return { message: { ...current, text: change.text, editedAt: now.toISOString() } };
    }
    case "delete": {
      if (!own && !input.moderator) {
        throw new StoreForbiddenError("forbidden", "Only the author may delete this message");
      }
      // Text, card, attachment and reactions go from the store: a deleted message keeps only its place.
      const message = withoutUndefined({
        id: current.id,
        seq: current.seq,
        room: current.room,
        kind: current.kind,
        author: current.author,
        private: current.private,
        at: current.at,
        deleted: true as const,
      });
      return { message, removedFile: current.file };
    }
    case "react":
      return {
        message: withoutUndefined({
          ...current,
          reactions: toggle(current.reactions ?? [], change.emoji, input),
        }),
      };
  }
}

function toggle(reactions: Reaction[], emoji: string, input: ChangeInput): Reaction[] | undefined {
  const by = { id: input.by.id, name: input.by.name, role: input.by.role };
  const at = reactions.findIndex((r) => r.emoji === emoji);
  if (at < 0) {
    if (reactions.length >= MAX_REACTIONS) {
      throw new StoreInvalidError("too_many_reactions", "This message has too many reactions");
    }
    return [...reactions, { emoji, users: [by] }];
  }
  const had = reactions[at].users.some((u) => u.id === by.id);
  const users = had ? reactions[at].users.filter((u) => u.id !== by.id) : [...reactions[at].users, by];
  const next = reactions.map((r, i) => i === at ? { emoji, users } : r).filter((r) => r.users.length > 0);
  return next.length ? next : undefined;
}
