/** Rooms: creation rules, who may read and join, and their public JSON shape. */
import type { Room, Session, Store, Visibility } from "@/lib/store/types.ts";
import { randomToken } from "@/lib/accounts/auth.ts";
import { badRequest, conflict, forbidden, notFound } from "@/lib/web/errors.ts";
import type { AppContext } from "@/lib/web/app_env.ts";
import { StoreConflictError } from "@/lib/store/errors.ts";

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

/** A new invite code: 128 random bits, URL-safe. */
export function newInviteCode(): string {
  return randomToken(16);
}

/**
 * Creates a room owned by the session's user, who becomes its first member. `name` is already checked
 * (`requireName(i18n, "room", raw)`); a taken public name is a 409 `room_exists` (its message a
 * catalog key, put into the reader's language where errors are answered).
 */
export async function createRoom(
  store: Store,
  session: Session,
  input: { name: string; visibility: "public" | "private" },
): Promise<Room> {
  let room: Room;
  try {
    room = await store.createRoom({
      name: input.name,
      visibility: input.visibility,
      ownerId: session.userId,
      inviteCode: input.visibility === "private" ? newInviteCode() : undefined,
    });
  } catch (error) {
    if (error instanceof StoreConflictError && error.code === "room_exists") {
      throw conflict("limits.room_exists", "room_exists");
    }
    throw error;
  }
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

const CURSOR = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * One page of the lobby: at most LOBBY_PAGE_SIZE public rooms with live counts, after `cursor` (the
 * last room id of the page before), and the next page's cursor (null on the last page).
 *
 * @example
 * const { rooms, nextCursor } = await lobbyPage(c, c.req.query("cursor"));
 */
export async function lobbyPage(
  c: AppContext,
  cursor: string | undefined,
): Promise<{ rooms: RoomView[]; nextCursor: string | null }> {
  const { store, hub, config } = c.var.services;
  if (cursor !== undefined && cursor !== "" && !CURSOR.test(cursor)) {
    throw badRequest("limits.bad_cursor", "bad_cursor");
  }
  const limit = config.lobbyPageSize;
  // One more than a page tells whether another page follows without a second query.
  const found = await store.listPublicRooms({ limit: limit + 1, after: cursor || undefined });
  const page = found.slice(0, limit);
  const counts = hub.counts();
  return {
    rooms: page.map((r) => toRoomView(r, { count: counts[r.id] ?? 0 })),
    nextCursor: found.length > limit ? page.at(-1)!.id : null,
  };
}
