/**
 * How many WebSockets one isolate may hold. Past the process's file-descriptor limit an accept fails
 * inside `deno serve` with an uncaught "Too many open files" that ends the whole process, so each
 * isolate stops taking sockets a little before its share of the limit and answers 503 instead.
 */

/** Descriptors kept for everything that is not a client socket (store, bus, listeners, refusals). */
const RESERVED = 512;

/**
 * This isolate's share of the soft `ulimit -n` (every isolate of `deno serve --parallel` shares one
 * process); unbounded where the limit cannot be read.
 *
 * @example
 * if (hub.stats().connections >= socketBudget()) refuse();
 */
export function socketBudget(
  limits = readLimits(),
  isolates = Math.max(1, navigator.hardwareConcurrency || 1),
): number {
  const soft = limits?.match(/^Max open files\s+(\d+)/m)?.[1];
  if (!soft) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.floor((Number(soft) - RESERVED) / isolates));
}

function readLimits(): string | undefined {
  try {
    return Deno.readTextFileSync("/proc/self/limits");
  } catch {
    return undefined; // not Linux, or no read permission: no bound of our own
  }
}
