/**
 * Ends start-up with one clear line (no stack trace) for errors a user can fix by configuration.
 *
 * @example
 * const services = await openServices(loadConfig()).catch(fatal);
 */
export function fatal(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`parley: ${message}`);
  Deno.exit(1);
}
