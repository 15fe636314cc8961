// What a failed call to a CRM says, in one table: about the cluster (it is down, slow or
// unreachable: the PM's circuit breaker counts it, and an idempotent call is tried again)
// or about the request (the CRM looked at it and answered: never counted, never retried,
// or one client's bad or oversized requests would cut everyone off from a healthy
// cluster). The PM's CRM client (services/pm/src/crm) reads every
// failure through classifyCrmFailure: its breaker, its retry policies, the REST status
// (cluster: 503, request: 502 or the route's own) and a Deploy's outcome.
//
// Codes are gRPC's (https://grpc.github.io/grpc/core/md_doc_statuscodes.html), by number
// as on the wire; Connect's Code enum uses the same numbers.

/** gRPC status codes by name (the numbers on the wire). */
export const grpcCode = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcCodeName = keyof typeof grpcCode;

/** Whose the failure is: the cluster's (counted by the breaker) or the request's (never). */
export type FailureBlame = "cluster" | "request";

export interface FailureClass {
  readonly blame: FailureBlame;
  /** Worth another attempt of an idempotent call (Deploy, Delete and the reads all are). */
  readonly retry: boolean;
  /**
   * The CRM looked at the request and said no, so nothing of it was applied (a Deploy
   * "refused"); otherwise a failed Deploy may have been applied ("unknown", settled by
   * sending it again).
   */
  readonly refusal: boolean;
  /** Why, for a reader of the table. */
  readonly why: string;
}

const cluster = (why: string): FailureClass => ({ blame: "cluster", retry: true, refusal: false, why });
const refused = (why: string): FailureClass => ({ blame: "request", retry: false, refusal: true, why });
const answered = (why: string, retry = false): FailureClass => ({
  blame: "request",
  retry,
  refusal: false,
  why,
});

/**
 * Every gRPC failure code as the CRM's answer (the call reached it and it answered with
 * that status). Failures of the transport itself are classed by classifyCrmFailure
 * before this table, whatever code the client library gave them.
 */
export const crmAnswerClasses: Readonly<Record<GrpcCodeName, FailureClass>> = {
  UNAVAILABLE: cluster("the CRM (or its API server or Redis) cannot serve now"),
  DEADLINE_EXCEEDED: cluster("the CRM did not answer within the deadline: slow or overloaded"),
  CANCELLED: cluster(
    "not the PM's caller (classified first): the stream was reset under the call, e.g. a CRM killed mid-call",
  ),
  INVALID_ARGUMENT: refused("the request is malformed; the same request fails again"),
  NOT_FOUND: refused("no such record"),
  ALREADY_EXISTS: refused("the record exists under another owner"),
  FAILED_PRECONDITION: refused("the cluster's state does not allow this request now"),
  PERMISSION_DENIED: refused("this caller may not do this"),
  UNAUTHENTICATED: refused("the PM's credentials for this cluster are wrong"),
  OUT_OF_RANGE: refused("a value of the request is out of range"),
  UNIMPLEMENTED: refused("the CRM does not serve this method (older than the PM)"),
  RESOURCE_EXHAUSTED: answered(
    "a request or answer too large (a list page: ask with a smaller limit); the same request fails again",
  ),
  // Deliberate choices: our CRM maps every domain failure to a code (its
  // error-map.ts); INTERNAL and UNKNOWN are what it answers for a bug it hit serving
  // this request, and a CRM that answers at once is not down: counting them would let
  // one request that trips a bug cut off the cluster. Not retried: the bug stays.
  INTERNAL: answered("the CRM hit a bug serving this request (transport failures are classed first)"),
  UNKNOWN: answered("an error the CRM did not map, or an unexpected HTTP status on the way"),
  // ABORTED is a concurrency conflict (gRPC: retry at a higher level): the request is
  // fine and the cluster is up, and every CRM call is idempotent, so it is retried
  // without counting against the cluster.
  ABORTED: answered("a concurrent change conflicted; idempotent calls are tried again", true),
  // DATA_LOSS would be about the stored record of this request, not the cluster's health.
  DATA_LOSS: answered("the CRM reports unrecoverable data loss for this request"),
};

/** What the PM knows about a failed call, taken from the client library's error. */
export interface CrmFailure {
  /** The gRPC status code number; undefined for a failure that carries none. */
  readonly code: number | undefined;
  /**
   * The call never got a status from the CRM: the connection was refused, reset or
   * broke (ECONNREFUSED, ECONNRESET, a TLS failure, an HTTP/2 session or stream error).
   */
  readonly transport: boolean;
  /** The PM's own caller ended the call (its abort signal): nothing about the CRM. */
  readonly callerCancelled: boolean;
}

/** The verdict on one failure; `code` names the row used ("TRANSPORT", "CALLER" or a code). */
export interface FailureVerdict extends FailureClass {
  readonly row: GrpcCodeName | "TRANSPORT" | "CALLER" | "NO_CODE";
}

/** A transport failure: the cluster is unreachable (the call may or may not have gone out). */
export const transportClass: FailureClass = cluster(
  "the connection was refused, reset or broke (ECONNREFUSED, ECONNRESET, TLS, HTTP/2 session errors)",
);

/** The PM's own caller gave up (CANCELLED or DEADLINE_EXCEEDED from its signal). */
export const callerCancelledClass: FailureClass = answered("the PM's caller ended the call");

/**
 * Classes one failed CRM call. Order: the PM's caller cancelling first (never the
 * cluster's fault), then a transport failure (always the cluster's), then the CRM's
 * answer by code (crmAnswerClasses). A failure with no code and no transport sign (a
 * bug in the PM's client code) counts against the cluster, as before this table: the
 * breaker then stops the PM hammering it.
 */
export function classifyCrmFailure(failure: CrmFailure): FailureVerdict {
  if (failure.callerCancelled) return { ...callerCancelledClass, row: "CALLER" };
  if (failure.transport) return { ...transportClass, row: "TRANSPORT" };
  const name = codeName(failure.code);
  if (name === undefined) return { ...cluster("a failure without a gRPC status"), row: "NO_CODE" };
  return { ...crmAnswerClasses[name], row: name };
}

/** The name of a gRPC code number; undefined for OK (0) and numbers outside the table. */
export function codeName(code: number | undefined): GrpcCodeName | undefined {
  if (code === undefined) return undefined;
  return (Object.keys(grpcCode) as GrpcCodeName[]).find((n) => grpcCode[n] === code);
}
