/**
 * The one error type the app throws on purpose. `app.onError` turns it into
 * `{"error": {"code", "message"}}` with its status for `/api/*`, or the error page for HTML.
 *
 * @example
 * throw new HttpError(404, "not_found", "No such room");
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const badRequest = (message: string, code = "bad_request") => new HttpError(400, code, message);
export const unauthorized = (message = "Sign in first") => new HttpError(401, "unauthorized", message);
export const forbidden = (message = "Not allowed") => new HttpError(403, "forbidden", message);
export const notFound = (message = "Not found") => new HttpError(404, "not_found", message);
export const conflict = (message: string, code = "conflict") => new HttpError(409, code, message);
export const unavailable = (message = "The database is unavailable; try again shortly") =>
  new HttpError(503, "unavailable", message);

/** Thrown by stores when the database cannot be reached, so callers can answer `unavailable`. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/** A bad configuration value; start-up prints `message` alone and exits. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
