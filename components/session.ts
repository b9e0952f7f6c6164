import type { Session } from "@/lib/store/types.ts";
import type { UserRef } from "@/lib/shared/protocol.ts";

/** The plain `{id, name, role}` of a session, as islands take it (never the session id). */
export function meOf(session: Session | null): UserRef | null {
  return session ? { id: session.userId, name: session.name, role: session.role } : null;
}
