/**
 * Zod schemas of the client frames of `GET /ws`, and the parser the server runs at the edge.
 * Server-only at run time: islands take the inferred types from `protocol.ts`, never this module.
 */
import { z } from "zod";
import type { ClientFrame, ErrorCode } from "./protocol.ts";
import { firstIssue } from "./zod_error.ts";

/** Ids are ULIDs (rooms, messages) or other URL-safe tokens; never objects or operators. */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "must be a plain id");
const clientId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "must be a plain id");

/** A message's own id (a ULID), as `edit`, `delete` and `react` name it. */
const messageId = id;

export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("join"), room: id, since: z.number().int().min(0).optional() }),
  z.object({ type: z.literal("leave"), room: id }),
  z.object({
    type: z.literal("send"),
    room: id,
    clientId,
    text: z.string().optional(),
    program: id.optional(),
    /** An uploaded attachment's id (`POST /api/rooms/:id/files`). */
    file: id.optional(),
    /** Counselors only, in support rooms: a note only counselors ever receive. */
    private: z.boolean().optional(),
  }),
  z.object({ type: z.literal("edit"), room: id, id: messageId, text: z.string() }),
  z.object({ type: z.literal("delete"), room: id, id: messageId }),
  z.object({ type: z.literal("react"), room: id, id: messageId, emoji: z.string().min(1).max(32) }),
  z.object({ type: z.literal("read"), room: id, seq: z.number().int().min(0) }),
  z.object({ type: z.literal("typing"), room: id }),
  z.object({ type: z.literal("ping") }),
]);

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
  return { ok: false, code: "bad_frame", message: `Bad frame: ${firstIssue(result.error)}` };
}
