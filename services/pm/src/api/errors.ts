// Every error the PM answers is JSON { "error": "..." }; this is the one place that
// maps error types to HTTP status codes.
import { Code } from "@connectrpc/connect";
import { schemaErrors, describeErrors } from "@oaas/models";
import type { FastifyError } from "fastify";
import { CrmError } from "../crm/errors.ts";
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  UnavailableError,
  ValidationError,
} from "../services/errors.ts";
import { StorageConflictError, StorageNotFoundError, StorageUnavailableError } from "../storage/index.ts";

export interface Mapped {
  readonly status: number;
  readonly error: string;
  readonly details?: readonly { field: string; message: string }[];
}

const partNames: Record<string, string> = {
  body: "body",
  querystring: "query",
  params: "path",
  headers: "header",
};

/** The HTTP answer for an error (500 only for what none of the types cover: bugs). */
export function mapError(error: unknown): Mapped {
  const fe = error as Partial<FastifyError> & { validationContext?: string };
  if (fe.validation) {
    const errors = schemaErrors(fe.validation as never);
    const part = partNames[fe.validationContext ?? "body"] ?? "request";
    return { status: 400, error: `invalid ${part}: ${describeErrors(errors)}`, details: errors };
  }
  if (error instanceof ValidationError) return { status: 400, error: error.message, details: error.errors };
  if (error instanceof NotFoundError || error instanceof StorageNotFoundError)
    return { status: 404, error: error.message };
  if (error instanceof ConflictError || error instanceof StorageConflictError)
    return { status: 409, error: error.message };
  if (error instanceof PreconditionFailedError) return { status: 412, error: error.message };
  if (error instanceof UnavailableError || error instanceof StorageUnavailableError) {
    return { status: 503, error: error.message };
  }
  if (error instanceof CrmError) {
    if (error.kind !== "answered") return { status: 503, error: error.message };
    // The CRM does not know the id: the thing asked for is missing, not the CRM broken.
    return { status: error.code === Code.NotFound ? 404 : 502, error: error.message };
  }
  // Fastify's own client errors: malformed JSON, wrong content type, body too large...
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, error: fe.message ?? "bad request" };
  }
  return { status: 500, error: "internal error" };
}
