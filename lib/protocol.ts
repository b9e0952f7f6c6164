/**
 * The WebSocket protocol of `GET /ws`, typed once. Client frames are zod schemas (validated at the
 * edge by {@link parseClientFrame}); their types are inferred from them. Server frames are plain types.
 * Islands import only types from here (`import type`), so zod never reaches the browser bundle.
 */
import { z } from "zod";

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

export interface Message {
  id: string;
  seq: number;
  room: string;
  kind: MessageKind;
  author: UserRef;
  text?: string;
  program?: ProgramSnapshot;
  /** ISO 8601 time the store accepted it. */
  at: string;
}

export interface PresenceMember {
  id: string;
  name: string;
  role: Role;
}

/** Ids are ULIDs (rooms, messages) or other URL-safe tokens; never objects or operators. */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "must be a plain id");
const clientId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "must be a plain id");

export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("join"), room: id, since: z.number().int().min(0).optional() }),
  z.object({ type: z.literal("leave"), room: id }),
  z.object({
    type: z.literal("send"),
    room: id,
    clientId,
    text: z.string().optional(),
    program: id.optional(),
  }),
  z.object({ type: z.literal("typing"), room: id }),
  z.object({ type: z.literal("ping") }),
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type ClientFrameType = ClientFrame["type"];

export type ServerFrame =
  | { type: "joined"; room: string; seq: number; messages: Message[]; presence: Presence; hasMore: boolean }
  | { type: "message"; room: string; message: Message }
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
  updatedAt: string;
}

export type ErrorCode =
  | "bad_frame"
  | "bad_request"
  | "not_found"
  | "forbidden"
  | "not_joined"
  | "rate_limited"
  | "too_large"
  | "unavailable"
  | "internal";

/** WebSocket close codes Parley uses. */
export const CloseCode = {
  /** The server is restarting; reconnect at once. */
  restart: 1012,
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

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; message: string };

/**
 * Parses one client text frame. Never throws: a bad frame yields an error to send back.
 *
 * @example
 * parseClientFrame('{"type":"ping"}'); // { ok: true, frame: { type: "ping" } }
 */
export function parseClientFrame(raw: unknown): ParseResult {
  if (typeof raw !== "string") return { ok: false, code: "bad_frame", message: "Frames must be JSON text" };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: "bad_frame", message: "Frame is not valid JSON" };
  }
  const result = clientFrameSchema.safeParse(data);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return { ok: false, code: "bad_frame", message: `Bad frame: ${where}${issue?.message ?? "invalid"}` };
}
