/**
 * The store's part for the counselors' tools (issue 12): saved replies, ratings, settings (the
 * assignment mode), the list of counselors and their away flags, and the conversations' search
 * filters. Kept apart from `types.ts` so each store implements it in a file of its own (`kv/tools.ts`,
 * `mongo/tools.ts`).
 */
import type { Message, UserRef } from "@/lib/shared/protocol.ts";

/** A counselors' shared canned answer. */
/**
 * Saved replies in the order every store lists them: oldest first, then by id.
 *
 * @example
 * replies.sort(byCreation);
 */
export function byCreation(a: SavedReply, b: SavedReply): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

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

export interface ToolsStore {
  /** Oldest first. */
  listReplies(): Promise<SavedReply[]>;
  createReply(reply: SavedReply): Promise<void>;
  /** False when there was none. */
  deleteReply(id: string): Promise<boolean>;

  /** Throws `StoreConflictError("already_rated")` when the conversation has a rating already. */
  createRating(rating: Rating): Promise<void>;
  getRating(room: string): Promise<Rating | null>;
  /** Ratings given at or after `since` (ISO 8601). */
  listRatingsSince(since: string): Promise<Rating[]>;

  /** A small JSON value by name (null when never set). */
  getSetting(key: string): Promise<unknown>;
  putSetting(key: string, value: unknown): Promise<void>;

  /** Every user whose role is counselor. */
  listCounselors(): Promise<UserRef[]>;
  /** Stores a user's away flag on their record; an unknown id writes nothing. */
  setCounselorAway(id: string, away: boolean): Promise<void>;
  /** The ids of the counselors whose stored away flag is set. */
  listAwayCounselors(): Promise<string[]>;

  /** Every conversation's search filter (see `lib/support/search_index.ts`). */
  listSearchFilters(): Promise<SearchFilter[]>;
  getSearchFilter(room: string): Promise<SearchFilter | null>;
  /**
   * For each room, the first `perRoom` messages (by seq) whose text contains `q` literally and
   * case-insensitively; system lines and deleted messages never match. Rooms without one are left out.
   */
  matchMessages(rooms: string[], q: string, perRoom: number): Promise<Record<string, Message[]>>;
  /** Replaces a conversation's filter unless the stored one already covers a later seq. */
  putSearchFilter(filter: SearchFilter): Promise<void>;
}

/**
 * What a conversation's messages may contain, as a Bloom filter of their characters and character
 * pairs: it holds no text (a deleted message's words cannot be read back from it), only answers
 * "maybe" or "no" for a search text.
 */
export interface SearchFilter {
  room: string;
  /** The highest seq whose text is in `bits`. */
  upTo: number;
  /** Base64 of the filter's bytes. */
  bits: string;
}
