/** Rooms: creation rules, who may read and join, and their public JSON shape. */
import type { Room, Session, Store, Visibility } from "@/lib/store/types.ts";
import { randomToken } from "@/lib/accounts/auth.ts";
import { badRequest, forbidden, notFound } from "@/lib/web/errors.ts";

export const ROOM_NAME_MAX = 64;

/** Room JSON as the API returns it; the invite code only to members. */
export interface RoomView {
  id: string;
  name: string;
  visibility: Visibility;
  createdAt: string;
  lastSeq: number;
  inviteCode?: string;
  count?: number;
  /** The caller's own rooms: messages by others after the caller's read mark (up to 100). */
  unread?: number;
}

/**
 * @example
 * toRoomView(room, { withInvite: true, count: 3 });
 */
export function toRoomView(
  room: Room,
  opts: { withInvite?: boolean; count?: number; unread?: number } = {},
): RoomView {
  const view: RoomView = {
    id: room.id,
    name: room.name,
    visibility: room.visibility,
    createdAt: room.createdAt,
    lastSeq: room.lastSeq,
  };
  if (opts.withInvite && room.inviteCode) view.inviteCode = room.inviteCode;
  if (opts.count !== undefined) view.count = opts.count;
  if (opts.unread !== undefined) view.unread = opts.unread;
  return view;
}

/**
 * Trims and checks a room name: 1–64 characters, no control characters.
 *
 * @example
 * normalizeRoomName("  general "); // "general"
 */
export function normalizeRoomName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, " ");
  if (name.length === 0) throw badRequest("Enter a room name", "bad_name");
  if ([...name].length > ROOM_NAME_MAX) {
    throw badRequest(`Room names are at most ${ROOM_NAME_MAX} characters`, "bad_name");
  }
  // deno-lint-ignore no-control-regex -- control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw badRequest("Room names cannot hold control characters", "bad_name");
  }
  return name;
}

/** A new invite code: 128 random bits, URL-safe. */
export function newInviteCode(): string {
  return randomToken(16);
}

/** Creates a room owned by the session's user, who becomes its first member. */
export async function createRoom(
  store: Store,
  session: Session,
  input: { name: string; visibility: "public" | "private" },
): Promise<Room> {
  const room = await store.createRoom({
    name: normalizeRoomName(input.name),
    visibility: input.visibility,
    ownerId: session.userId,
    inviteCode: input.visibility === "private" ? newInviteCode() : undefined,
  });
  await store.addMember(room.id, session.userId);
  return room;
}

/**
 * Whether a session may read and join a room: public rooms are open to everyone; private ones
 * to members; support rooms to their user and to counselors.
 */
export async function canAccess(store: Store, session: Session | null, room: Room): Promise<boolean> {
  if (room.visibility === "public") return true;
  if (!session) return false;
  if (room.visibility === "support") return room.ownerId === session.userId || session.role === "counselor";
  return await store.isMember(room.id, session.userId);
}

/** The room if the session may access it; 404 when it does not exist, 403 when it is not theirs. */
export async function roomForSession(store: Store, session: Session | null, id: string): Promise<Room> {
  const room = await store.getRoom(id);
  if (!room) throw notFound("No such room");
  if (!(await canAccess(store, session, room))) {
    throw forbidden("This room is private: join it with its invite code");
  }
  return room;
}
