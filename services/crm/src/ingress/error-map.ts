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

/** A ConnectError for anything a handler threw; unknown errors become INTERNAL without details. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isDeploymentError(error))
    return new ConnectError(error.message, codes[error.code], undefined, undefined, error);
  return new ConnectError("internal error", Code.Internal, undefined, undefined, error);
}
