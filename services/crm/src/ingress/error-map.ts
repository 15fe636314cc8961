// The one mapping from domain failures and gate refusals to RPC status codes.
import { Code, ConnectError } from "@connectrpc/connect";
import type { GateResult } from "@oaas/auth";
import { PageTooLargeSchema } from "@oaas/proto";
import { isDeploymentError, type DeploymentErrorCode, type PageHint } from "../deployments/errors.ts";

const codes: Record<DeploymentErrorCode, Code> = {
  invalidArgument: Code.InvalidArgument,
  notFound: Code.NotFound,
  alreadyExists: Code.AlreadyExists,
  failedPrecondition: Code.FailedPrecondition,
  unavailable: Code.Unavailable,
  deadlineExceeded: Code.DeadlineExceeded,
  resourceExhausted: Code.ResourceExhausted,
  internal: Code.Internal,
};

/**
 * Longest status message sent (characters). The message travels percent-encoded in the
 * grpc-message header (up to 9 bytes a character), which must fit the peer's header
 * limits; a longer one would end the stream with an HTTP/2 error instead of a status.
 * Messages quote input through echo() already; this bounds the sum of many of them.
 */
export const maxMessageChars = 2048;

/**
 * A ConnectError for anything a handler threw; unknown errors become INTERNAL without
 * details. A DeploymentError's pageHint travels as the oaas.crm.v1.PageTooLarge detail
 * (gRPC: grpc-status-details-bin; Connect: the error body's details).
 */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isDeploymentError(error))
    return new ConnectError(
      bounded(error.message),
      codes[error.code],
      undefined,
      detailsOf(error.pageHint),
      error,
    );
  return new ConnectError("internal error", Code.Internal, undefined, undefined, error);
}

function detailsOf(hint: PageHint | undefined): ConstructorParameters<typeof ConnectError>[3] {
  if (!hint) return undefined;
  return [
    {
      desc: PageTooLargeSchema,
      value: { maxLimit: hint.maxLimit, offset: hint.offset, maxBytes: BigInt(hint.maxBytes) },
    },
  ];
}

function bounded(message: string): string {
  if (message.length <= maxMessageChars) return message;
  return `${message.slice(0, maxMessageChars)}... (${message.length - maxMessageChars} more characters)`;
}

type Refused = Extract<GateResult, { ok: false }>;

const refusalCodes: Readonly<Record<Refused["status"], Code>> = {
  401: Code.Unauthenticated,
  403: Code.PermissionDenied,
  429: Code.ResourceExhausted,
};

/**
 * The error of a call the auth gate refused: 401 -> UNAUTHENTICATED, 403 -> PERMISSION_DENIED,
 * 429 -> RESOURCE_EXHAUSTED (gRPC status codes; the Connect protocol turns them back into
 * 401/403/429). The gate's headers (WWW-Authenticate, Retry-After) travel as the error's
 * metadata: response headers over Connect, trailers over gRPC.
 */
export function refusalError(refused: Refused): ConnectError {
  return new ConnectError(refused.message, refusalCodes[refused.status], refused.headers);
}

/** The error of a call whose credential could not be checked now (an OIDC issuer's keys out of reach): the credential may be good, so not 401. */
export function verifierUnavailable(error: unknown): ConnectError {
  return new ConnectError(
    "cannot verify the credential now (the OIDC issuer's keys cannot be fetched); retry later",
    Code.Unavailable,
    undefined,
    undefined,
    error,
  );
}

/** RESOURCE_EXHAUSTED for a principal over its in-flight bound, with a retry hint (seconds, metadata retry-after). */
export function tooManyInFlight(principal: string, bound: number, variable: string): ConnectError {
  return new ConnectError(
    `${principal} has ${bound} calls in flight, the most one caller may (${variable}); retry after one ends (retry after 1 s)`,
    Code.ResourceExhausted,
    { "retry-after": "1" },
  );
}
