// The one mapping from domain failures to RPC status codes.
import { Code, ConnectError } from "@connectrpc/connect";
import { isDeploymentError, type DeploymentErrorCode } from "../deployments/errors.ts";

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

/** A ConnectError for anything a handler threw; unknown errors become INTERNAL without details. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isDeploymentError(error))
    return new ConnectError(bounded(error.message), codes[error.code], undefined, undefined, error);
  return new ConnectError("internal error", Code.Internal, undefined, undefined, error);
}

function bounded(message: string): string {
  if (message.length <= maxMessageChars) return message;
  return `${message.slice(0, maxMessageChars)}... (${message.length - maxMessageChars} more characters)`;
}
