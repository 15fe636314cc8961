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

/**
 * A page of a listing refused as too large, as data for the caller: ask `offset` again
 * with at most `maxLimit` records (at least 1). `maxBytes`: the bound it was measured
 * against. The ingress sends it as the oaas.crm.v1.PageTooLarge error detail.
 */
export interface PageHint {
  readonly maxLimit: number;
  readonly offset: number;
  readonly maxBytes: number;
}

export class DeploymentError extends Error {
  override readonly name = "DeploymentError";
  /** Set on a "resourceExhausted" listing page: how to ask again. */
  readonly pageHint: PageHint | undefined;
  constructor(
    readonly code: DeploymentErrorCode,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
    options?: { cause?: unknown; pageHint?: PageHint },
  ) {
    super(message, options);
    this.pageHint = options?.pageHint;
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
