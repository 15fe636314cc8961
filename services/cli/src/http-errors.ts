// Maps what went wrong on the wire to one line naming the problem: a failed connection
// (fetch's `cause` codes) or a PM error answer (`{ "error": "..." }`, the PM's error model
// in services/pm/README.md: 400 with field paths, 404, 409, 502 from a CRM, 503 no CRM
// reachable).
import { PmHttpError } from "./errors.ts";

/** Short reasons for the socket errors a user can act on; others pass their code through. */
const socketReasons: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the server",
  EPROTO: "TLS/protocol error",
};

/**
 * Why a fetch failed, in a few words ("connection refused"). Undici wraps the socket
 * error in `TypeError: fetch failed` with `cause`, sometimes an AggregateError (one error
 * per address tried); an AbortSignal.timeout gives a TimeoutError.
 */
export function connectionFailureReason(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === "TimeoutError") {
    return `no answer within ${formatSeconds(timeoutMs)}`;
  }
  const code = findCode(err, 0);
  if (code !== undefined) return socketReasons[code] ?? code.toLowerCase().replace(/_/g, " ");
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function findCode(err: unknown, depth: number): string | undefined {
  if (depth > 4 || typeof err !== "object" || err === null) return undefined;
  const record = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === "string") return record.code;
  const nested = findCode(record.cause, depth + 1);
  if (nested !== undefined) return nested;
  if (Array.isArray(record.errors)) {
    for (const inner of record.errors) {
      const code = findCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The PM's error text: `error` of a JSON body, plus field errors if it lists them. */
export function pmErrorText(body: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed === "") return undefined;
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (typeof parsed === "object" && parsed !== null) {
      const record = parsed as { error?: unknown; message?: unknown; errors?: unknown; details?: unknown };
      const fields = fieldErrors(record.errors ?? record.details);
      const base =
        typeof record.error === "string"
          ? record.error
          : typeof record.message === "string"
            ? record.message
            : undefined;
      if (fields && base && !base.includes(fields)) return `${base}: ${fields}`;
      return fields ?? base ?? trimmed;
    }
  } catch {
    // not JSON: a proxy's HTML page or plain text; its first line is the best we have
  }
  return trimmed.split(/\r?\n/)[0]?.slice(0, 200);
}

/** `[{field, message}]` (the models' FieldError) as "field: message; field: message". */
function fieldErrors(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const parts = value.map((item: unknown) => {
    if (typeof item === "string") return item;
    const e = (item ?? {}) as { field?: unknown; path?: unknown; instancePath?: unknown; message?: unknown };
    const field = [e.field, e.path, e.instancePath].find((f) => typeof f === "string" && f !== "");
    const message = typeof e.message === "string" ? e.message : JSON.stringify(item);
    return typeof field === "string" ? `${field}: ${message}` : message;
  });
  return parts.join("; ");
}

/**
 * One line for a PM error answer. `what` names the thing asked for, e.g. `package "shop"`.
 * 400 lists the PM's field errors; 404 says what is missing; 502/503 blame the CRMs as
 * the PM does (502 a CRM answered with an error, 503 no CRM reachable).
 */
export function httpError(status: number, what: string, body: string): PmHttpError {
  const pm = pmErrorText(body);
  const detail = pm === undefined ? "" : `: ${pm}`;
  let message: string;
  switch (status) {
    case 400:
    case 422:
      message = `invalid ${what}${detail}`;
      break;
    case 404:
      message = `${what} not found${pm === undefined ? "" : ` (${pm})`}`;
      break;
    case 409:
      message = `conflict on ${what}${detail}`;
      break;
    case 412:
      message = `${what} was changed by someone else since it was read; nothing was changed: run the command again${detail}`;
      break;
    case 502:
      message = `a CRM answered with an error for ${what}${detail}`;
      break;
    case 503:
      message = `service unavailable for ${what} (the PM cannot reach its store or a CRM)${detail}`;
      break;
    default:
      message = `the Package Manager answered HTTP ${status} for ${what}${detail}`;
  }
  return new PmHttpError(message, status, pm);
}
