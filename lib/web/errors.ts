/**
 * The app's errors as HTTP sees them, and the one mapping from what stores throw to a status and a code
 * ({@link toHttpError}), used by `app.onError` and by the hub's WebSocket `error` frames.
 */
import {
  StoreConflictError,
  StoreForbiddenError,
  StoreInvalidError,
  StoreNotFoundError,
  StoreUnavailableError,
} from "@/lib/store/errors.ts";
import type { ErrorCode } from "@/lib/shared/protocol.ts";

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

/**
 * The HttpError an error answers as: itself, or the status and code of a store error; `undefined` for
 * anything unexpected (the caller answers `internal` and logs it).
 *
 * @example
 * const known = toHttpError(err) ?? new HttpError(500, "internal", "Something went wrong on our side");
 */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof StoreUnavailableError) return unavailable();
  if (err instanceof StoreConflictError) return new HttpError(409, err.code, err.message);
  if (err instanceof StoreNotFoundError) return new HttpError(404, err.code, err.message);
  if (err instanceof StoreForbiddenError) return new HttpError(403, err.code, err.message);
  if (err instanceof StoreInvalidError) return new HttpError(400, err.code, err.message);
  return undefined;
}

/** The WebSocket `error` code for each status an HttpError can carry. */
const FRAME_CODES: Record<number, ErrorCode> = {
  400: "bad_request",
  403: "forbidden",
  404: "not_found",
  413: "too_large",
  429: "rate_limited",
  503: "unavailable",
};

/**
 * What a WebSocket `error` frame says for an error (the same mapping as HTTP, by {@link toHttpError});
 * `undefined` for anything unexpected, which the hub answers as `internal`.
 *
 * @example
 * const frame = toFrameError(err) ?? { code: "internal", message: "Something went wrong on our side" };
 */
export function toFrameError(err: unknown): { code: ErrorCode; message: string } | undefined {
  const known = toHttpError(err);
  const code = known && FRAME_CODES[known.status];
  return code ? { code, message: known.message } : undefined;
}
