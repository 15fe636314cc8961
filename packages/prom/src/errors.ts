// The ways a Prometheus query fails, typed once here so callers map them without
// parsing messages: down (no connection), timeout, http (an error status, with
// Prometheus' errorType when it sent one), bad_response (not the documented JSON).
// https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview

export type PromErrorKind = "down" | "timeout" | "http" | "bad_response";

export class PromError extends Error {
  override readonly name = "PromError";
  constructor(
    readonly kind: PromErrorKind,
    message: string,
    /** HTTP status (kind http). */
    readonly status?: number,
    /** Prometheus' errorType, e.g. bad_data, execution, timeout (kind http). */
    readonly errorType?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPromError(error: unknown): error is PromError {
  return error instanceof PromError;
}
