/**
 * The sockets of one node: every open connection, and each session's (for logout and for the
 * sockets-per-session count, which `SessionSockets` shares with the other nodes).
 */
import type { Connection } from "@/lib/hub/connection.ts";
import { sessionKey, type SessionSockets } from "@/lib/hub/session_sockets.ts";

/**
 * @example
 * const registry = new Registry(sessionSockets);
 * registry.add(conn);
 * for (const c of registry.ofSession(sessionId)) c.close(4401, "Session ended");
 */
export class Registry {
  readonly #conns = new Set<Connection>();
  readonly #bySession = new Map<string, Set<Connection>>();

  constructor(readonly sockets: SessionSockets) {}

  get size(): number {
    return this.#conns.size;
  }

  all(): IterableIterator<Connection> {
    return this.#conns.values();
  }

  add(conn: Connection): void {
    this.#conns.add(conn);
    let mine = this.#bySession.get(conn.session.id);
    if (!mine) this.#bySession.set(conn.session.id, mine = new Set());
    mine.add(conn);
    this.sockets.setLocal(sessionKey(conn.session.id), mine.size);
  }

  /** False when `conn` was not (or no longer) registered. */
  remove(conn: Connection): boolean {
    if (!this.#conns.delete(conn)) return false;
    const mine = this.#bySession.get(conn.session.id);
    mine?.delete(conn);
    this.sockets.setLocal(sessionKey(conn.session.id), mine?.size ?? 0);
    if (mine?.size === 0) this.#bySession.delete(conn.session.id);
    return true;
  }

  /** A copy: closing a connection while walking it removes it from the set. */
  ofSession(sessionId: string): Connection[] {
    return [...(this.#bySession.get(sessionId) ?? [])];
  }

  /** Sockets a session holds on every node. */
  total(sessionId: string): number {
    return this.sockets.total(sessionKey(sessionId));
  }
}
