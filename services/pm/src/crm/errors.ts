// The one error type of calls to a CRM, and how a Connect error maps onto it through the
// one classification table (@oaas/models crm-failure.ts): the breaker, the retries, the
// REST status and a Deploy's outcome all read its verdict. The REST layer maps CrmError
// once: "answered" -> 502 (404 for NOT_FOUND where a route says so), "unreachable" and
// "breaker-open" -> 503.
import { Code, ConnectError } from "@connectrpc/connect";
import { classifyCrmFailure, type CrmFailure, type FailureVerdict } from "@oaas/models";
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
    /** The classification table's verdict (@oaas/models classifyCrmFailure), when it was classed. */
    readonly verdict?: FailureVerdict,
  ) {
    super(message, options);
  }
}

/** How connect-node words a stream the peer reset (node-error.ts connectErrorFromH2ResetCode). */
const streamResetPrefix = "http/2 stream closed with error code ";

/**
 * A failure as @oaas/models classifyCrmFailure takes it. `transport` when the call got
 * no status from the CRM: connect-node keeps the Node error of a refused, reset or broken
 * connection (ECONNREFUSED, ECONNRESET, EPIPE, a TLS or HTTP/2 session error) as the
 * cause, while a status the CRM sent has none; and a stream reset under the call
 * (RST_STREAM CANCEL or INTERNAL_ERROR, e.g. a CRM killed mid-call) is worded
 * streamResetPrefix. A reset with ENHANCE_YOUR_CALM is the CRM's answer (the PM reset
 * too many streams) and stays RESOURCE_EXHAUSTED. `callerCancelled`: the call's signal
 * (the PM's own caller) ended it.
 */
export function crmFailureOf(error: unknown, callerCancelled = false): CrmFailure {
  if (!(error instanceof ConnectError)) return { code: undefined, transport: false, callerCancelled };
  const reset =
    error.rawMessage.startsWith(streamResetPrefix) && !error.rawMessage.includes("ENHANCE_YOUR_CALM");
  return { code: error.code, transport: reset || hasNodeErrorCause(error), callerCancelled };
}

/** True when `error`'s cause chain holds a Node system or library error (a string `code`). */
function hasNodeErrorCause(error: Error): boolean {
  const seen = new Set<unknown>([error]);
  let cause: unknown = error.cause;
  while (cause instanceof Error && !seen.has(cause)) {
    if ("code" in cause && typeof cause.code === "string") return true;
    seen.add(cause);
    cause = cause.cause;
  }
  return false;
}

/**
 * The verdict of the table on a failure: a CrmError's own, or one from its kind and code
 * when it was made without (an "unreachable" one is a transport failure).
 */
export function verdictOf(error: unknown): FailureVerdict {
  if (!(error instanceof CrmError)) return classifyCrmFailure(crmFailureOf(error));
  if (error.verdict) return error.verdict;
  const transport = error.kind !== "answered";
  return classifyCrmFailure({ code: error.code, transport, callerCancelled: false });
}

/** True for a failure worth another attempt (the table's `retry`); never an open breaker. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof BrokenCircuitError) && verdictOf(error).retry;
}

/** True for a failure that says the CRM (not the request) is in trouble: the breaker counts it. */
export function isCrmFault(error: unknown): boolean {
  return verdictOf(error).blame === "cluster";
}

/**
 * Any failure of a call to `cluster` as a CrmError: "unreachable" when the table blames
 * the cluster, "answered" when it blames the request. `callerCancelled`: the PM's own
 * caller ended the call (never the cluster's fault).
 */
export function toCrmError(cluster: string, error: unknown, callerCancelled = false): CrmError {
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
  const verdict = classifyCrmFailure(crmFailureOf(error, callerCancelled));
  const ce = ConnectError.from(error);
  const kind: CrmFailureKind = verdict.blame === "cluster" ? "unreachable" : "answered";
  // A transport failure under a code that reads like the CRM's answer (INTERNAL for a TLS
  // failure, CANCELLED or ABORTED for a reset) says so.
  const misleading =
    verdict.row === "TRANSPORT" && ce.code !== Code.Unavailable && ce.code !== Code.DeadlineExceeded;
  const what = misleading ? `${Code[ce.code]} (connection failed)` : Code[ce.code];
  return new CrmError(
    cluster,
    kind,
    ce.code,
    `cluster "${cluster}": ${what}: ${ce.rawMessage}`,
    { cause: error },
    verdict,
  );
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
    error.verdict,
  );
}

/**
 * What a failed Deploy says about the cluster: "refused" only when the CRM answered with
 * a deliberate refusal (the table's `refusal` rows), so the unit is not there (or the
 * previous spec still is); "unknown" for everything else, ECONNREFUSED included: a
 * connection reset or deadline after the request may have gone out, and the last
 * attempt's error does not speak for the earlier ones (an attempt that timed out may
 * have been applied before the next one found the port closed), nor does an open
 * breaker. The cluster is reported unreachable all the same (CrmError kind, 503);
 * unknown outcomes are settled by sending the unit again (Deploy is idempotent).
 */
export function deployOutcome(error: CrmError): "refused" | "unknown" {
  return error.kind === "answered" && verdictOf(error).refusal ? "refused" : "unknown";
}
