/** The one way a session becomes the `{id, name, role}` that the API, islands and messages carry. */
import type { Session } from "@/lib/store/types.ts";
import type { UserRef } from "@/lib/shared/protocol.ts";

/**
 * The session's user as others see it (never the session id); `null` for no session.
 *
 * @example
 * c.json(userRefOf(assertSignedIn(c))); // {"id":"u_…","name":"mina","role":"user"}
 */
export function userRefOf(session: Session): UserRef;
export function userRefOf(session: Session | null): UserRef | null;
export function userRefOf(session: Session | null): UserRef | null {
  return session ? { id: session.userId, name: session.name, role: session.role } : null;
}
