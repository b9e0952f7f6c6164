/**
 * The WebSocket protocol of `GET /ws`, typed once. Client frames are zod schemas in
 * `protocol_schema.ts` (validated at the edge by `parseClientFrame`); their types are inferred from
 * them here. Server frames are plain types. This module holds no zod value, so islands may import its
 * constants (`CloseCode`) without zod reaching the browser bundle.
 */
import type { z } from "zod";
import type { clientFrameSchema } from "./protocol_schema.ts";

export type Role = "guest" | "user" | "counselor";

export interface UserRef {
  id: string;
  name: string;
  role: Role;
}

/** What a program card carries: a snapshot taken when it was sent, so history shows what was sent. */
export interface ProgramSnapshot {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  price: number;
  currency: string;
  url: string;
}

export type MessageKind = "text" | "program" | "system";

/** An uploaded attachment as a message carries it; `url` serves it to the room's members only. */
export interface FileRef {
  id: string;
  name: string;
  /** The type found from the bytes, never the name. */
  type: string;
  size: number;
  url: string;
  /** Images only: the pixel size, so the chat reserves the space before the image loads. */
  width?: number;
  height?: number;
  /** Images only: a small version for the chat. */
  thumbUrl?: string;
}

/** One emoji on a message and who put it there. */
export interface Reaction {
  emoji: string;
  users: UserRef[];
}

/** What a support system line reports; each reader's catalog words it (`notice_view.ts`). */
export type NoticeKey = "support.joined" | "support.closed" | "support.transferred";

/**
 * A system line as data, so it reads in the reader's language. Stored with the message: keys are
 * part of the protocol, never renamed, and `text` beside it keeps the English for older readers.
 */
export interface Notice {
  key: NoticeKey;
  /** Who acted: the counselor who joined, closed or handed over. */
  name: string;
  /** A transfer's new counselor. */
  to?: string;
}

export interface Message {
  id: string;
  seq: number;
  room: string;
  kind: MessageKind;
  author: UserRef;
  text?: string;
  program?: ProgramSnapshot;
  file?: FileRef;
  /** System lines only: what happened, for readers to word in their language (`text` is its English). */
  notice?: Notice;
  /** A counselors-only note in a support room: never sent to a user's socket or page. */
  private?: boolean;
  /** ISO 8601 time the store accepted it. */
  at: string;
  /** Set once the author edited the text. */
  editedAt?: string;
  /** Removed: its text and file are gone from the store. */
  deleted?: boolean;
  reactions?: Reaction[];
}

export interface PresenceMember {
  id: string;
  name: string;
  role: Role;
}

export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type ClientFrameType = ClientFrame["type"];

export type ServerFrame =
  | {
    type: "joined";
    room: string;
    seq: number;
    messages: Message[];
    presence: Presence;
    hasMore: boolean;
    /** How far each member has read (user id → seq), for read receipts. */
    reads?: Record<string, number>;
  }
  | { type: "message"; room: string; message: Message }
  /** A message changed (edit, delete, reaction); `seq` is the change's own place in the room's order. */
  | { type: "update"; room: string; seq: number; message: Message }
  /** How far a member has read the room (read receipts). */
  | { type: "read"; room: string; user: UserRef; seq: number }
  | { type: "ack"; clientId: string; id: string; seq: number }
  | ({ type: "presence"; room: string } & Presence)
  | { type: "typing"; room: string; user: UserRef }
  | { type: "pong" }
  | { type: "error"; code: ErrorCode; message: string; clientId?: string; room?: string }
  | { type: "support"; conversation: SupportSummary };

export interface Presence {
  count: number;
  members: PresenceMember[];
}

export type SupportState = "waiting" | "active" | "closed";

/** One line of the counselors' queue; pushed live as `{type:"support"}` frames to counselors. */
export interface SupportSummary {
  room: string;
  user: UserRef;
  state: SupportState;
  counselor?: UserRef;
  lastMessage?: Message;
  unread: number;
  /** The user's rating, once given (closed conversations). */
  rating?: { score: number; comment?: string };
  updatedAt: string;
  /** The visitor wrote while every counselor was away (a message left through the widget). */
  offline?: boolean;
}

export type ErrorCode =
  | "bad_frame"
  | "bad_request"
  | "not_found"
  | "forbidden"
  | "not_joined"
  | "rate_limited"
  | "too_many_rooms"
  | "too_large"
  | "unavailable"
  | "internal"
  /** An edit, delete or reaction of a deleted message. */
  | "message_deleted"
  /** An edit after the edit window closed. */
  | "edit_window_passed";

/** WebSocket close codes Parley uses. */
export const CloseCode = {
  /** The server is restarting; reconnect at once. */
  restart: 1012,
  /** `deno serve` says "Server shutting down" with this before the app's 1012. */
  goingAway: 1001,
  /** A frame larger than the limit. */
  tooLarge: 1009,
  /** No session cookie. */
  unauthorized: 4401,
  /** The session ended (logout). */
  loggedOut: 4403,
  /** The outgoing buffer passed its bound: a reader too slow for its rooms. */
  slowReader: 4008,
  /** Sustained sending past the rate limit. */
  rateLimited: 4029,
  /** Too many sockets for one session. */
  tooManySockets: 4030,
} as const;
