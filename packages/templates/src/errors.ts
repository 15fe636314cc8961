// Render errors are values: every problem in a record is reported with the field path
// it came from, so ingress can answer INVALID_ARGUMENT / FAILED_PRECONDITION naming the
// field and the reconciler can set a Degraded condition a person can act on.

export type RenderErrorCode =
  /** selected_template / template_hint is no known template or alias. */
  | "UnknownTemplate"
  /** An explicitly selected template cannot run here (knative without the flag or CRDs). */
  | "TemplateUnavailable"
  /** Neither spec.functions nor spec.function names a function. */
  | "NoFunctions"
  /** Both spec.functions and the spec.function shorthand are set. */
  | "ConflictingFunctions"
  | "InvalidFunctionKey"
  | "DuplicateFunctionKey"
  | "MissingImage"
  | "InvalidPort"
  | "InvalidQuantity"
  /** A resource request above its limit (the API server would refuse the pod). */
  | "RequestExceedsLimit"
  /** min_scale > max_scale. */
  | "InvalidScale"
  | "InvalidEnvName"
  /** max_concurrency outside 0..int32. */
  | "InvalidConcurrency"
  /** odgm_config.replica_count outside Kubernetes' int32 replicas. */
  | "InvalidReplicaCount"
  /** odgm_config.partition_count outside 1..maxPartitionCount. */
  | "InvalidPartitionCount"
  /** A value Knative Serving's admission webhook refuses (reserved port or env name, concurrency above its limit). */
  | "KnativeReserved"
  | "InvalidCpuTarget"
  | "InvalidCollection"
  /** metadata.uid is missing: owner references cannot be built. */
  | "MissingUid"
  /** Two children would get the same name. */
  | "NameCollision";

/** Which gRPC status ingress should answer with; a precondition is about the cluster, not the request. */
export function isPreconditionError(code: RenderErrorCode): boolean {
  return code === "TemplateUnavailable" || code === "UnknownTemplate";
}

export interface RenderError {
  code: RenderErrorCode;
  /** Field path in the record, e.g. "spec.functions[0].provision_config.cpu_request". */
  path: string;
  /** For a person: what is wrong and what is allowed. */
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: RenderError };

export function fail(
  code: RenderErrorCode,
  path: string,
  message: string,
): { ok: false; error: RenderError } {
  return { ok: false, error: { code, path, message } };
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}
