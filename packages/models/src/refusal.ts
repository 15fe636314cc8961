// Why the PM will not do what a request asks, as a value: its pure decisions
// (dispatch.ts, delete-plan.ts, reads.ts) return one, and the PM's services map each
// kind onto its own error type once (services/pm/src/services/refusal.ts), which the
// REST layer maps onto one HTTP status.
import type { FieldError } from "./types.ts";

export type Refusal =
  /** 400: the request is wrong; `errors` name the fields. */
  | { readonly kind: "invalid"; readonly errors: readonly FieldError[]; readonly prefix?: string }
  /** 404: the deployment does not exist. */
  | { readonly kind: "not-found"; readonly message: string }
  /** 409: the key is taken, or was changed or deleted meanwhile. */
  | { readonly kind: "conflict"; readonly message: string }
  /** 412: If-Match names another generation. */
  | { readonly kind: "precondition"; readonly message: string }
  /** 503: a cluster the request needs gave no answer. */
  | { readonly kind: "unavailable"; readonly message: string };

/** A decision's answer: the value to act on, or why not. */
export type Decided<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: Refusal };

/** The ok case of a Decided. */
export function allow<T>(value: T): Decided<T> {
  return { ok: true, value };
}

/** The refused case of a Decided. */
export function refuse<T = never>(refusal: Refusal): Decided<T> {
  return { ok: false, refusal };
}
