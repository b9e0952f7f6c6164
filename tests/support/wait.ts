/**
 * The one wait for a condition that sends no event of its own (a server's HTTP API coming up, a count
 * that another process keeps, a row in a mail server's inbox): asks `probe` again and again until it
 * gives something other than `undefined`, `null` or `false`, and throws once `timeoutMs` has passed.
 *
 * @example
 * const mail = await waitFor(async () => (await inbox.messages())[0], "the mail", { timeoutMs: 20_000 });
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  what: string,
  { timeoutMs = 10_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== null && found !== false) {
      return found as Exclude<T, undefined | null | false>;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    // The pause between two probes, not a wait for anything: the loop ends on the condition.
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
