// The PM's service errors. The REST layer maps each to one HTTP status (api/errors.ts).
import { describeErrors, type FieldError } from "@oaas/models";

/** 400: the request is wrong; `errors` name the fields. */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  constructor(
    readonly errors: readonly FieldError[],
    prefix = "invalid request",
  ) {
    super(`${prefix}: ${describeErrors(errors)}`);
  }
}

/** 404 */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
}

/** 409 */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
}

/**
 * 412: the request's If-Match names a generation the stored deployment no longer has
 * (someone else updated it since it was read); nothing was changed.
 */
export class PreconditionFailedError extends Error {
  override readonly name = "PreconditionFailedError";
}

/** 503: no CRM that the request needs is reachable. */
export class UnavailableError extends Error {
  override readonly name = "UnavailableError";
}
