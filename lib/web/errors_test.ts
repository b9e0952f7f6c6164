import assert from "node:assert/strict";
import { HttpError, toFrameError, toHttpError } from "./errors.ts";
import {
  StoreConflictError,
  StoreInvalidError,
  StoreNotFoundError,
  StoreUnavailableError,
} from "@/lib/store/errors.ts";

Deno.test("[errors] toHttpError - store errors get their status and keep their code", () => {
  const cases: [Error, number, string][] = [
    [new StoreUnavailableError("down"), 503, "unavailable"],
    [new StoreConflictError("username_taken", "taken"), 409, "username_taken"],
    [new StoreNotFoundError("not_found", "gone"), 404, "not_found"],
    [new StoreInvalidError("bad_request", "Bad cursor"), 400, "bad_request"],
  ];
  for (const [error, status, code] of cases) {
    const mapped = toHttpError(error);
    assert.ok(mapped instanceof HttpError);
    assert.equal(mapped.status, status);
    assert.equal(mapped.code, code);
  }
  const own = new HttpError(429, "rate_limited", "slow down");
  assert.equal(toHttpError(own), own);
  assert.equal(toHttpError(new Error("boom")), undefined);
});

Deno.test("[errors] toFrameError - the same mapping, in the protocol's codes", () => {
  assert.deepEqual(toFrameError(new StoreUnavailableError("down")), {
    code: "unavailable",
    message: "The database is unavailable; try again shortly",
  });
  assert.equal(toFrameError(new StoreNotFoundError("not_found", "gone"))?.code, "not_found");
  // A conflict has no WebSocket code; nor has an unexpected error: both answer `internal`.
  assert.equal(toFrameError(new StoreConflictError("room_exists", "taken")), undefined);
  assert.equal(toFrameError(new TypeError("boom")), undefined);
});
