/**
 * Going again when SQLite (under Deno KV) refuses a call because another isolate holds the lock, or
 * an atomic commit lost a race.
 */

/** Whether SQLite refused a write because another isolate or process holds the lock. */
export function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked/i.test(error.message);
}

/**
 * Runs `call` again while SQLite answers "database is locked" (another isolate or process on the
 * same KV file holds the lock), a few times with a short random pause. Only for calls that wrote
 * nothing when refused.
 *
 * @example
 * const kv = await retryWhileLocked(() => Deno.openKv(path));
 */
export async function retryWhileLocked<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await call();
    } catch (error) {
      if (!isLocked(error) || i >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

/**
 * Runs `attempt` until it returns something other than `undefined` (KV atomic commits that lost a
 * race return `undefined` to go again).
 *
 * @example
 * await retryAtomic(async () => (await op().commit()).ok || undefined);
 */
export async function retryAtomic<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0;; i++) {
    let result: T | undefined;
    try {
      result = await attempt();
    } catch (error) {
      // Several isolates or processes on one KV file: SQLite answers "database is locked" when another
      // one holds the write lock past its busy timeout. Nothing was written, so going again is safe.
      if (!isLocked(error) || i > 200) throw error;
    }
    if (result !== undefined) return result;
    // Many writers on one key: a little random back-off keeps them from colliding in lockstep.
    if (i > 3) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(i, 20)));
  }
}
