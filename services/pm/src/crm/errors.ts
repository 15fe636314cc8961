// The one error type of calls to a CRM, and how a Connect error maps onto it. The REST
// layer maps CrmError once: "answered" -> 502 (404 for NOT_FOUND where a route says
// so), "unreachable" and "breaker-open" -> 503.
import { Code, ConnectError } from "@connectrpc/connect";
import { BrokenCircuitError } from "cockatiel";

export type CrmFailureKind = "answered" | "unreachable" | "breaker-open";

export class CrmError extends Error {
  override readonly name = "CrmError";
  constructor(
    readonly cluster: string,
    readonly kind: CrmFailureKind,
    /** The gRPC status code name (e.g. "InvalidArgument"), when the CRM answered. */
    readonly code: Code | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Codes the PM retries with backoff (the codes: https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const retryableCodes: ReadonlySet<Code> = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
]);

/** True for a failure worth another attempt. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ConnectError && retryableCodes.has(error.code);
}

/**
 * A CANCELLED answer as what it means here: the PM never cancels its own calls (they end
 * by deadline, DEADLINE_EXCEEDED), so CANCELLED is the stream reset under the call (HTTP/2
 * RST_STREAM CANCEL), e.g. a CRM killed or restarting mid-Deploy. That is UNAVAILABLE: the
 * request may not have been handled, and Deploy (a server-side apply) and status reads are
 * safe to repeat. Any other error is returned as it is.
 */
export function resetAsUnavailable(error: unknown): unknown {
  if (!(error instanceof ConnectError) || error.code !== Code.Canceled) return error;
  return new ConnectError(
    `connection reset during the call: ${error.rawMessage}`,
    Code.Unavailable,
    undefined,
    undefined,
    error,
  );
}

/** Failures that say the CRM (not the request) is in trouble: they count toward the breaker. */
export function isCrmFault(error: unknown): boolean {
  return (
    !(error instanceof ConnectError) ||
    retryableCodes.has(error.code) ||
    error.code === Code.Internal ||
    error.code === Code.Unknown
  );
}

/** Any failure of a call to `cluster` as a CrmError. */
export function toCrmError(cluster: string, error: unknown): CrmError {
  if (error instanceof CrmError) return error;
  if (error instanceof BrokenCircuitError) {
    return new CrmError(
      cluster,
      "breaker-open",
      undefined,
      `cluster "${cluster}": circuit breaker open after repeated failures`,
      {
        cause: error,
      },
    );
  }
  const ce = ConnectError.from(error);
  const kind: CrmFailureKind = retryableCodes.has(ce.code) ? "unreachable" : "answered";
  return new CrmError(cluster, kind, ce.code, `cluster "${cluster}": ${Code[ce.code]}: ${ce.rawMessage}`, {
    cause: error,
  });
}

/**
 * A failed call of oaas.crm.v1.RecordDetailService `method`, reworded when the CRM answered
 * UNIMPLEMENTED: that CRM predates the service (it serves the rest of the contract all
 * the same), which the caller passes on as the reason the detail is missing. Any other
 * error is returned as it is.
 */
export function olderCrm(error: CrmError, method: string): CrmError {
  if (error.code !== Code.Unimplemented) return error;
  const { cluster } = error;
  return new CrmError(
    cluster,
    "answered",
    Code.Unimplemented,
    `cluster "${cluster}": the CRM does not serve oaas.crm.v1.RecordDetailService/${method} (older than the PM)`,
    { cause: error },
  );
}

/**
 * Codes that are the CRM's own deliberate refusal of a request (it looked at the unit and
 * said no): nothing of it was applied. Any other failure may come from the transport
 * (ABORTED or CANCELLED for a reset stream, UNKNOWN, INTERNAL, DEADLINE_EXCEEDED,
 * UNAVAILABLE) after the request went out.
 */
const refusalCodes: ReadonlySet<Code> = new Set([
  Code.InvalidArgument,
  Code.NotFound,
  Code.AlreadyExists,
  Code.PermissionDenied,
  Code.FailedPrecondition,
  Code.OutOfRange,
  Code.Unimplemented,
  Code.Unauthenticated,
]);

/**
 * What a failed Deploy says about the cluster: "refused" only when the CRM answered with
 * a deliberate refusal (refusalCodes), so the unit is not there (or the previous spec
 * still is); "unknown" for everything else: a connection reset or deadline after the
 * request may have gone out, and a breaker open after the retries (an earlier attempt of
 * the same call may have been applied before the connection broke). Unknown outcomes are
 * settled later by sending the unit again (Deploy is idempotent).
 */
export function deployOutcome(error: CrmError): "refused" | "unknown" {
  return error.kind === "answered" && error.code !== undefined && refusalCodes.has(error.code)
    ? "refused"
    : "unknown";
}
