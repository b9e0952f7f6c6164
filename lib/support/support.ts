/**
 * Support conversations: one per user, in a room of visibility "support". States go
 * waiting → active (a counselor claimed it) → closed, and a user's new message reopens a closed one as
 * waiting. Counselors see a queue with per-counselor unread counts (from read marks) that is kept live
 * by `{type:"support"}` frames. Claims, closes and transfers leave a "system" message in the room so
 * the user sees them, each reader in their own language ("mina joined", "mina 상담사가 대화에 들어왔어요").
 */
import { ulid } from "ulid";
import type { Message, Notice, ProgramSnapshot, SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import { noticeText } from "@/lib/shared/notice_view.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";
import type { Room, Session, Store, SupportConversation } from "@/lib/store/types.ts";
import { conflict, forbidden, notFound } from "@/lib/web/errors.ts";
import { StoreConflictError } from "@/lib/store/errors.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import { toSnapshot } from "@/lib/programs/programs.ts";
import { assertAssignee, autoAssign } from "./assignment.ts";
import { indexConversation } from "./search_index.ts";
import { summarize } from "./queue.ts";

export { listQueue, summarize } from "./queue.ts";

/** What support needs from the hub (the real `Hub` fits; tests pass a recorder). */
export interface SupportHub {
  /** Fans a stored message out to the room's sockets on every node. */
  deliver(message: Message): unknown;
  /** Pushes a queue line to every counselor socket on every node. */
  publishSupport(summary: SupportSummary): unknown;
}

export interface SupportDeps {
  store: Store;
  hub: SupportHub;
  /** Which counselors are available now (a console open, not away); without it, every counselor is. */
  isAvailable?: (counselorId: string) => boolean;
}

/**
 * The session user's conversation, made (waiting, empty) on the first call. Counselors are not
 * published a conversation until its first message, so opening the page alone alerts nobody.
 *
 * @example
 * const { room, state } = await openSupport({ store, hub }, session);
 */
export async function openSupport(deps: SupportDeps, session: Session): Promise<SupportConversation> {
  const user = userRefOf(session);
  return await deps.store.getOrCreateSupport(user, () => newSupportRecords(user));
}

/**
 * The room and the waiting conversation a user's first support call makes.
 *
 * @example
 * await store.getOrCreateSupport(user, () => newSupportRecords(user));
 */
export function newSupportRecords(user: UserRef): { room: Room; conversation: SupportConversation } {
  const now = new Date().toISOString();
  const id = ulid();
  const room: Room = {
    id,
    name: `Support: ${user.name}`,
    visibility: "support",
    ownerId: user.id,
    createdAt: now,
    lastSeq: 0,
  };
  return { room, conversation: { room: id, user, state: "waiting", createdAt: now, updatedAt: now } };
}

async function conversationOrThrow(store: Store, room: string): Promise<SupportConversation> {
  const conversation = await store.getSupport(room);
  if (!conversation) throw notFound("No such support conversation");
  return conversation;
}

/**
 * Stores a system line in the room and delivers it like any message. Readers word `notice` in their
 * own language; its English goes into `text` for transcripts of old data and API clients.
 *
 * @example
 * await systemMessage(deps, roomId, counselor, { key: "support.joined", name: counselor.name });
 */
export async function systemMessage(
  deps: SupportDeps,
  room: string,
  author: UserRef,
  notice: Notice,
): Promise<Message> {
  const { message } = await deps.store.appendMessage({
    room,
    kind: "system",
    author,
    clientId: `sys-${ulid()}`,
    text: noticeText(translator("en").t, { notice }),
    notice,
  });
  await deps.hub.deliver(message);
  return message;
}

/** What a counselor who lost a claim (or came too late) is told. */
export const ALREADY_CLAIMED = "Another counselor already claimed this conversation";

/** Whether `error` is the store's "the precondition no longer holds". */
function isChanged(error: unknown): boolean {
  return error instanceof StoreConflictError && error.code === "support_changed";
}

/**
 * A counselor takes a waiting (or closed) conversation: it becomes active and the user sees
 * "<name> joined". Claiming one's own again changes nothing; another counselor's is a 409
 * `already_claimed`, also when two claims race (the store's compare-and-set lets one through).
 *
 * @example
 * await claimSupport(deps, counselorSession, roomId);
 */
export async function claimSupport(
  deps: SupportDeps,
  session: Session,
  room: string,
): Promise<SupportSummary> {
  if (session.role !== "counselor") throw forbidden("Counselors only");
  for (let attempt = 0;; attempt++) {
    const current = await conversationOrThrow(deps.store, room);
    if (current.state === "active" && current.counselor?.id === session.userId) {
      return await summarize(deps.store, current, session.userId);
    }
    if (current.state === "active" && current.counselor) {
      throw conflict(`${ALREADY_CLAIMED} (${current.counselor.name})`, "already_claimed");
    }
    try {
      return await activate(deps, current, userRefOf(session));
    } catch (error) {
      // Changed between the read and the write: look again (the winner's claim is then a 409 above).
      if (!isChanged(error)) throw error;
      if (attempt >= 3) throw conflict(ALREADY_CLAIMED, "already_claimed");
    }
  }
}

/** Claims `current` only if it is still as read: throws the store's 409 when someone got there first. */
export async function activate(
  deps: SupportDeps,
  current: SupportConversation,
  counselor: UserRef,
): Promise<SupportSummary> {
  const updated = await deps.store.updateSupport(current.room, { state: "active", counselor }, {
    state: current.state,
    counselorId: current.counselor?.id ?? null,
  });
  if (!updated) throw notFound("No such support conversation");
  const message = await systemMessage(deps, current.room, counselor, {
    key: "support.joined",
    name: counselor.name,
  });
  await deps.store.setReadMark(current.room, counselor.id, message.seq);
  return await publish(deps, updated, message);
}

/**
 * Closes a conversation; the user sees that it was closed. Closing a closed one changes nothing.
 *
 * @example
 * await closeSupport(deps, counselorSession, roomId);
 */
export async function closeSupport(
  deps: SupportDeps,
  session: Session,
  room: string,
): Promise<SupportSummary> {
  if (session.role !== "counselor") throw forbidden("Counselors only");
  const current = await conversationOrThrow(deps.store, room);
  if (current.state === "closed") return await summarize(deps.store, current, session.userId);
  assertAssignee(current, session);
  // Only from what was read: a transfer meanwhile makes this a 409, not a close by the wrong counselor.
  const updated = await deps.store.updateSupport(room, { state: "closed" }, {
    state: current.state,
    counselorId: current.counselor?.id ?? null,
  });
  if (!updated) throw notFound("No such support conversation");
  const message = await systemMessage(deps, room, userRefOf(session), {
    key: "support.closed",
    name: session.name,
  });
  await deps.store.setReadMark(room, session.userId, message.seq);
  return await publish(deps, updated, message);
}

/**
 * The hub calls this (through `supportQueue`, `plugin.ts`) after it stored a message from a socket. In a support room: the user's message
 * reopens a closed conversation as waiting; a counselor's reply to an unclaimed one claims it; either
 * way the queue line is pushed to counselors (a new conversation, a new message, an unread badge).
 *
 * @example
 * await onSupportMessage({ store, hub }, message);
 */
export async function onSupportMessage(deps: SupportDeps, message: Message): Promise<void> {
  if (message.kind === "system") return;
  await indexConversation(deps.store, message.room);
  // A note changes nothing in the queue, and a queue line also reaches the user's own socket.
  if (message.private) return;
  let conversation = await deps.store.getSupport(message.room);
  if (!conversation) return;
  if (message.author.role === "counselor" && message.author.id !== conversation.user.id) {
    await deps.store.setReadMark(message.room, message.author.id, message.seq);
    if (conversation.state !== "active" || !conversation.counselor) {
      try {
        await activate(deps, conversation, message.author);
        return;
      } catch (error) {
        // Someone claimed it meanwhile: the reply stays a reply in their conversation.
        if (!isChanged(error)) throw error;
        conversation = await deps.store.getSupport(message.room) ?? conversation;
      }
    }
  } else if (message.author.id === conversation.user.id && conversation.state === "closed") {
    try {
      conversation =
        await deps.store.updateSupport(message.room, { state: "waiting" }, { state: "closed" }) ??
          conversation;
    } catch (error) {
      // A claim beat the reopen: the conversation is already being handled.
      if (!isChanged(error)) throw error;
      conversation = await deps.store.getSupport(message.room) ?? conversation;
    }
  }
  if (message.author.id === conversation.user.id && conversation.state === "waiting") {
    if (await autoAssign(deps, conversation)) return;
  }
  await publish(deps, conversation, message);
}

export async function publish(
  deps: SupportDeps,
  conversation: SupportConversation,
  last: Message,
): Promise<SupportSummary> {
  // Pushed lines carry the unread count of the counselor in charge (or of one who never opened it);
  // each console keeps its own count from there.
  const summary = await summarize(deps.store, conversation, conversation.counselor?.id, last);
  await deps.hub.publishSupport(summary);
  return summary;
}

/**
 * Records that a counselor has read a conversation up to `seq` (never moving the mark back).
 *
 * @example
 * await markRead(store, session, roomId, 42);
 */
export async function markRead(store: Store, session: Session, room: string, seq: number): Promise<void> {
  if (session.role !== "counselor") throw forbidden("Counselors only");
  await conversationOrThrow(store, room);
  const mark = await store.getReadMark(room, session.userId);
  if (seq > mark) await store.setReadMark(room, session.userId, seq);
}

/**
 * The program-card hook for the hub: a counselor's `{type:"send", program}` stores this snapshot.
 *
 * @example
 * const snapshot = await resolveProgram(store, "data-analytics-bootcamp-2027");
 */
export async function resolveProgram(store: Store, id: string): Promise<ProgramSnapshot | null> {
  const program = await store.getProgram(id);
  return program ? toSnapshot(program) : null;
}
