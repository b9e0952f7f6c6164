/**
 * What stores throw. They know nothing of HTTP or WebSockets: `lib/web/errors.ts` (`toHttpError`) turns
 * these into statuses for `app.onError` and into codes for the hub's WebSocket `error` frames.
 */

/**
 * The base of every error a store throws on purpose; `code` is the stable code the client sees.
 *
 * @example
 * if (err instanceof StoreError) console.log(err.code);
 */
export class StoreError extends Error {
  constructor(readonly code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The database cannot be reached, or did not answer in time: callers answer `unavailable` (503).
 *
 * @example
 * throw new StoreUnavailableError("cannot reach MongoDB at db:27017: refused");
 */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options?: ErrorOptions) {
    super("unavailable", message, options);
  }
}

/**
 * A write refused because of what is stored: a taken name, a precondition that no longer holds (409).
 *
 * @example
 * throw new StoreConflictError("username_taken", `The username "kim" is taken`);
 */
export class StoreConflictError extends StoreError {}

/**
 * A change the caller may not make: someone else's message, or past the edit window (403).
 *
 * @example
 * throw new StoreForbiddenError("forbidden", "Only the author may edit a message");
 */
export class StoreForbiddenError extends StoreError {}

/**
 * The record asked for is not there (404).
 *
 * @example
 * throw new StoreNotFoundError("not_found", "No such room");
 */
export class StoreNotFoundError extends StoreError {}

/**
 * An argument the store cannot use, such as a page cursor it did not make (400).
 *
 * @example
 * throw new StoreInvalidError("bad_request", "Bad cursor");
 */
export class StoreInvalidError extends StoreError {}
