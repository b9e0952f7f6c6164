/**
 * The store's types for changes to messages (edits, deletes, reactions), read marks and moderation;
 * re-exported by `types.ts`, implemented by each store's `changes.ts`.
 */
import type { FileRef, Message, UserRef } from "@/lib/shared/protocol.ts";

/** What a change does to a message: edit its text, delete it, or toggle the caller's reaction. */
export type ChangeOp = { op: "edit"; text: string } | { op: "delete" } | { op: "react"; emoji: string };

export interface ChangeInput {
  room: string;
  /** The message's public id. */
  id: string;
  /** Who changes it (the session's user). */
  by: UserRef;
  change: ChangeOp;
  /** Deletes only: true when `by` may delete anyone's message (the room's owner, a counselor in support). */
  moderator?: boolean;
  /** Edits only: how long after `at` the author may still edit (ms); unset: always. */
  editWindowMs?: number;
}

export interface ChangeResult {
  /** The change's own place in the room's order. */
  seq: number;
  /** The message as it is now. */
  message: Message;
  /** A delete: the attachment it carried (the caller removes it from the FileStore). */
  removedFile?: FileRef;
}

/** A change in a room's order: `seq` is the change's, `update` the changed message as it is now. */
export interface RoomUpdate {
  room: string;
  seq: number;
  update: Message;
}

/** What a room's owner decided about one member (moderation). */
export type MemberState = "muted" | "removed";

/** One place of a room's order: a message, or a change to one. */
export type RoomEvent = Message | RoomUpdate;

/** Whether a room event is a change rather than a message. */
export function isUpdate(event: RoomEvent): event is RoomUpdate {
  return "update" in event;
}

/** Edits, deletes, reactions and read marks; each store implements them in its `changes.ts`. */
export interface ChangeMethods {
  /**
   * Applies a change and gives it the room's next `seq`, atomically with the message's new state.
   * Throws StoreNotFoundError `not_found`, StoreForbiddenError `forbidden` (not the author; a
   * moderator may delete) or `edit_window_passed`, StoreConflictError `message_deleted`,
   * StoreInvalidError `not_text` or `too_many_reactions`; nothing is changed then.
   */
  changeMessage(input: ChangeInput): Promise<ChangeResult>;
  /** A message by its public id, as it is now. */
  getMessage(room: string, id: string): Promise<Message | null>;
  /** The room's order after `after`: messages and changes, at most `limit`, oldest first. */
  listEvents(room: string, options: { after: number; limit: number }): Promise<RoomEvent[]>;
  /** Every reader's mark in a room: reader id → seq. */
  listReadMarks(room: string): Promise<Record<string, number>>;
  /** A room owner's say on a member: muted (reads, cannot post) or removed (cannot join); null clears it. */
  setMemberState(room: string, userId: string, state: MemberState | null): Promise<void>;
  getMemberState(room: string, userId: string): Promise<MemberState | null>;
}
