// The PM's service errors. The REST layer maps each to one HTTP status (api/errors.ts).
import { describeErrors, type Decided, type FieldError, type Refusal } from "@oaas/models";

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

/** A decision's refusal (@oaas/models refusal.ts) as the service error of its kind. */
export function refusalError(refusal: Refusal): Error {
  switch (refusal.kind) {
    case "invalid":
      return new ValidationError(refusal.errors, refusal.prefix);
    case "not-found":
      return new NotFoundError(refusal.message);
    case "conflict":
      return new ConflictError(refusal.message);
    case "precondition":
      return new PreconditionFailedError(refusal.message);
    case "unavailable":
      return new UnavailableError(refusal.message);
  }
}

/** The value of a decision; throws its refusal (refusalError). */
export function decided<T>(decision: Decided<T>): T {
  if (!decision.ok) throw refusalError(decision.refusal);
  return decision.value;
}
