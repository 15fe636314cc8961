// One classification of everything a Kubernetes call can fail with, so callers map
// failures to their own vocabulary (gRPC codes, job results) with one switch.

/** What went wrong, in the terms a caller decides on. */
export type KubeErrorKind =
  /** 404: the object (or its namespace, or its resource type) does not exist. */
  | "notFound"
  /** 409: AlreadyExists, or a resourceVersion / SSA field conflict. */
  | "conflict"
  /** 400, 413, 422: the API server rejected the request content. */
  | "invalid"
  /** 401, 403 */
  | "forbidden"
  /** 410: a list/watch continue token or resourceVersion is too old. */
  | "gone"
  /** 429, 500, 502, 503, 504 and other 5xx: the server answered but is not able to serve now. */
  | "serverError"
  /** No connection: refused, reset, DNS, TLS failure. Nothing reached the server. */
  | "unreachable"
  /** The per-call time bound ran out before an answer. */
  | "timeout"
  /** The caller's signal aborted the call (e.g. its RPC deadline); see `cause`. */
  | "aborted";

/** The metav1.Status body the API server sends with most errors. */
export interface KubeStatus {
  kind?: "Status";
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { field?: string; message?: string }[] };
}

export class KubeError extends Error {
  override readonly name = "KubeError";
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    /** HTTP status when the server answered. */
    readonly statusCode?: number,
    /** The metav1.Status body, when the server sent one. */
    readonly status?: KubeStatus,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isKubeError(error: unknown, kind?: KubeErrorKind): error is KubeError {
  return error instanceof KubeError && (kind === undefined || error.kind === kind);
}

/** The kind for an HTTP status code the API server answered with. */
export function kindOfStatusCode(code: number): KubeErrorKind {
  if (code === 404) return "notFound";
  if (code === 409) return "conflict";
  if (code === 400 || code === 413 || code === 415 || code === 422) return "invalid";
  if (code === 401 || code === 403) return "forbidden";
  if (code === 410) return "gone";
  return "serverError";
}

/** The error for an answered request with a non-2xx status. */
export function errorFromResponse(method: string, path: string, code: number, body: unknown): KubeError {
  const status = isStatus(body) ? body : undefined;
  const detail = status?.message ?? (typeof body === "string" ? body.trim().slice(0, 200) : "");
  return new KubeError(
    kindOfStatusCode(code),
    `${method} ${path}: HTTP ${code}${detail ? `: ${detail}` : ""}`,
    code,
    status,
  );
}

function isStatus(body: unknown): body is KubeStatus {
  return typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "Status";
}

/** Connection-level error codes meaning "nothing reached the server". */
const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * The error for a request that got no answer. `callerAborted` / `timedOut` say which
 * signal (if any) fired: those win over whatever the transport reported.
 */
export function errorFromTransport(
  method: string,
  path: string,
  error: unknown,
  state: { callerAborted: boolean; timedOut: boolean; timeoutMs: number },
): KubeError {
  const where = `${method} ${path}`;
  if (state.callerAborted)
    return new KubeError("aborted", `${where}: aborted by the caller`, undefined, undefined, {
      cause: error,
    });
  if (state.timedOut) {
    return new KubeError(
      "timeout",
      `${where}: no answer within ${state.timeoutMs} ms`,
      undefined,
      undefined,
      {
        cause: error,
      },
    );
  }
  const code = errorCode(error);
  const text = error instanceof Error ? error.message : String(error);
  if (code && unreachableCodes.has(code)) {
    return new KubeError("unreachable", `${where}: ${code}: ${text}`, undefined, undefined, { cause: error });
  }
  // TLS failures and anything else below HTTP: the server could not be talked to.
  return new KubeError("unreachable", `${where}: ${text}`, undefined, undefined, { cause: error });
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
