/**
 * The store's part for the counselors' tools (issue 12): saved replies, ratings, settings (the
 * assignment mode), the list of counselors and the conversation search. Kept apart from `types.ts` so
 * each store implements it in a file of its own (`kv/tools.ts`, `mongo/tools.ts`).
 */
import type { Message, UserRef } from "@/lib/shared/protocol.ts";
import type { SupportConversation } from "./types.ts";

/** A counselors' shared canned answer. */
export interface SavedReply {
  id: string;
  title: string;
  text: string;
  createdBy: UserRef;
  createdAt: string;
}

/** A user's rating of a closed conversation; at most one per conversation. */
export interface Rating {
  room: string;
  user: UserRef;
  /** Who had the conversation when it was closed. */
  counselor?: UserRef;
  score: number;
  comment?: string;
  at: string;
}

export interface SupportSearchQuery {
  /** Matched literally, case-insensitively, in the user's name and the messages' text. */
  q: string;
  limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface SupportSearchHit {
  conversation: SupportConversation;
  /** True when the user's name contains the text. */
  nameMatch: boolean;
  /** The first few messages whose text contains it, oldest first. */
  matches: Message[];
}

export interface SupportSearchPage {
  hits: SupportSearchHit[];
  nextCursor?: string;
}

/** Messages a search hit shows at most. */
export const SEARCH_MATCHES_SHOWN = 3;

export interface ToolsStore {
  /** Oldest first. */
  listReplies(): Promise<SavedReply[]>;
  createReply(reply: SavedReply): Promise<void>;
  /** False when there was none. */
  deleteReply(id: string): Promise<boolean>;

  /** Throws `HttpError(409, "already_rated")` when the conversation has a rating already. */
  createRating(rating: Rating): Promise<void>;
  getRating(room: string): Promise<Rating | null>;
  /** Ratings given at or after `since` (ISO 8601). */
  listRatingsSince(since: string): Promise<Rating[]>;

  /** A small JSON value by name (null when never set). */
  getSetting(key: string): Promise<unknown>;
  putSetting(key: string, value: unknown): Promise<void>;

  /** Every user whose role is counselor. */
  listCounselors(): Promise<UserRef[]>;

  /** Support conversations whose user's name or messages contain `q`; newest conversation first. */
  searchSupport(query: SupportSearchQuery): Promise<SupportSearchPage>;
}

/** The search page order: newest conversation (room ULID) first. */
export function byRoomDescending(a: SupportConversation, b: SupportConversation): number {
  return a.room < b.room ? 1 : a.room > b.room ? -1 : 0;
}

/** The cursor of a search page is the last room id shown. */
export function searchCursor(hits: SupportSearchHit[], more: boolean): string | undefined {
  return more ? hits.at(-1)?.conversation.room : undefined;
}
