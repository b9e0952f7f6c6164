/**
 * Join and leave notices with a grace period, as a chat pane shows them. A member who drops out of
 * the server's list is kept on screen, unannounced, for `graceMs`; coming back within it (a reload,
 * a server restart, a network blip) is no leave and no join. Only a member still away when the grace
 * ends is announced as having left. Pure and browser-safe.
 */
import type { Presence, PresenceMember } from "@/lib/shared/protocol.ts";

/**
 * @example
 * const notices = new MemberNotices(12_000);
 * notices.update(first.members, false); // the baseline: nothing to announce
 * const { joined } = notices.update(next.members, true);
 * const left = notices.expire(); // later: those whose grace ran out
 */
export class MemberNotices {
  #shown = new Map<string, PresenceMember>();
  #leaving = new Map<string, number>();
  #baseline = false;

  constructor(readonly graceMs: number, readonly now: () => number = Date.now) {}

  /**
   * Takes the server's member list. `announce` false (the answer to a join) still starts the grace
   * of whoever is missing, but never announces newcomers.
   */
  update(members: readonly PresenceMember[], announce: boolean): { joined: PresenceMember[] } {
    const joined: PresenceMember[] = [];
    const here = new Set(members.map((m) => m.id));
    for (const m of members) {
      if (this.#leaving.delete(m.id)) {
        this.#shown.set(m.id, m);
        continue;
      }
      if (!this.#shown.has(m.id) && this.#baseline && announce) joined.push(m);
      this.#shown.set(m.id, m);
    }
    for (const id of this.#shown.keys()) {
      if (!here.has(id) && !this.#leaving.has(id)) this.#leaving.set(id, this.now());
    }
    this.#baseline = true;
    return { joined };
  }

  /** Those away past the grace: forgotten now, to be announced as having left. */
  expire(): PresenceMember[] {
    const gone: PresenceMember[] = [];
    const now = this.now();
    for (const [id, since] of this.#leaving) {
      if (now - since < this.graceMs) continue;
      this.#leaving.delete(id);
      gone.push(this.#shown.get(id)!);
      this.#shown.delete(id);
    }
    return gone;
  }

  /** When the next grace ends (ms from now), or null when nobody is leaving. */
  nextExpiry(): number | null {
    if (this.#leaving.size === 0) return null;
    return Math.max(0, Math.min(...this.#leaving.values()) + this.graceMs - this.now());
  }

  /** The presence to show: the server's, plus those still within their grace. */
  view(server: Presence): Presence {
    const extra = [...this.#leaving.keys()].filter((id) => !server.members.some((m) => m.id === id));
    return {
      count: server.count + extra.length,
      members: [...server.members, ...extra.map((id) => this.#shown.get(id)!)],
    };
  }
}
