/**
 * Bounds on joins, per socket: at most MAX_ROOMS_PER_SOCKET rooms at once, and JOIN_BURST joins at
 * once (a reconnect rejoins every room), refilled at JOINS_PER_SECOND. A socket that keeps joining past
 * the rate after being told is closed (4029), so a script cannot churn presence (and with it every
 * lobby's live counts) at will.
 */
import { CloseCode } from "@/lib/shared/protocol.ts";
import type { Connection } from "@/lib/hub/connection.ts";

interface Bucket {
  tokens: number;
  at: number;
  refused: number;
}

const buckets = new WeakMap<Connection, Bucket>();

/** Refused joins in a row (without a successful one between) before the socket is closed. */
export const REFUSALS_BEFORE_CLOSE = 20;

/**
 * True when `conn` may join `room` now (and counts the join); otherwise sends the error frame, or
 * closes the socket when it keeps trying, and returns false.
 *
 * @example
 * if (!admitJoin(conn, roomId)) return;
 */
export function admitJoin(conn: Connection, room: string, now = performance.now()): boolean {
  const { maxRoomsPerSocket, joinBurst, joinsPerSecond } = conn.host.config;
  let bucket = buckets.get(conn);
  if (!bucket) buckets.set(conn, bucket = { tokens: joinBurst, at: now, refused: 0 });
  bucket.tokens = Math.min(joinBurst, bucket.tokens + ((now - bucket.at) / 1000) * joinsPerSecond);
  bucket.at = now;
  // `conn.error` puts a catalog key into the socket's language.
  const refuse = (
    code: "rate_limited" | "too_many_rooms",
    message: "limits.too_many_rooms" | "limits.join_rate",
  ) => {
    if (++bucket.refused >= REFUSALS_BEFORE_CLOSE) {
      conn.close(CloseCode.rateLimited, "Too many joins");
    } else conn.error(code, message, { room });
    return false;
  };
  if (!conn.rooms.has(room) && conn.rooms.size >= maxRoomsPerSocket) {
    return refuse("too_many_rooms", "limits.too_many_rooms");
  }
  if (bucket.tokens < 1) return refuse("rate_limited", "limits.join_rate");
  bucket.tokens -= 1;
  bucket.refused = 0;
  return true;
}
