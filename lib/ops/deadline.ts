/** A bound on how long one call to the store (or anything behind it) may take. */
import { StoreUnavailableError } from "@/lib/store/errors.ts";

/**
 * `work`, or StoreUnavailableError once `ms` have passed (the work itself may still finish later;
 * its result is then dropped, which is safe for every store call: appends are idempotent by clientId).
 *
 * @example
 * await withDeadline(collection.findOne({ _id: id }), 8_000, "getRoom");
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError(`the database did not answer ${what} within ${ms} ms`)),
      ms,
    );
  });
  work.catch(() => {}); // a late failure after the deadline was already reported as unavailable
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
