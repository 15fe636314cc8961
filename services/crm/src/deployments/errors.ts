// Typed failures of the deployment domain. The ingress maps them onto RPC status codes
// in one place (ingress/error-map.ts); nothing here knows about gRPC or Connect.

export type DeploymentErrorCode =
  | "invalidArgument"
  | "notFound"
  | "alreadyExists"
  | "failedPrecondition"
  | "unavailable"
  | "deadlineExceeded"
  /** An answer would exceed what default clients accept (4 MiB messages). */
  | "resourceExhausted"
  | "internal";

/** One problem with one request field; `field` uses wire names, e.g. deployment_unit.functions[0].function_key */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class DeploymentError extends Error {
  override readonly name = "DeploymentError";
  constructor(
    readonly code: DeploymentErrorCode,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Longest piece of request input a message quotes (characters). */
export const maxEchoChars = 80;

/**
 * Request input quoted for a message, cut to maxEchoChars with its full length noted:
 * messages travel in headers (grpc-message), where unbounded input breaks the HTTP/2
 * frame (FRAME_SIZE_ERROR) instead of reaching the client as a status.
 */
export function echo(input: string): string {
  if (input.length <= maxEchoChars) return JSON.stringify(input);
  return `${JSON.stringify(input.slice(0, maxEchoChars))}... (${input.length} characters)`;
}

export function invalidArgument(errors: readonly FieldError[]): DeploymentError {
  const message = errors.map((e) => `${e.field}: ${e.message}`).join("; ");
  return new DeploymentError("invalidArgument", message, errors);
}

export function isDeploymentError(error: unknown): error is DeploymentError {
  return error instanceof DeploymentError;
}
