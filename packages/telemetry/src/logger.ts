// Structured JSON logs, one object per line, so log pipelines can index fields such as
// deployment_id and correlation_id without parsing prose.
import type { Writable } from "node:stream";
import winston from "winston";
import { activeTraceFields } from "./trace-context.ts";

export type Logger = winston.Logger;

export interface LoggerOptions {
  /** The `service` field on every line, e.g. "crm-ingress". */
  readonly service: string;
  /** Minimum level (error, warn, info, debug). Default: $LOG_LEVEL, else info. */
  readonly level?: string;
  /** Where lines go; default stdout. Tests pass a stream to read the lines back. */
  readonly stream?: Writable;
}

export function createLogger(options: LoggerOptions): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  return winston.createLogger({
    level: options.level ?? process.env["LOG_LEVEL"] ?? "info",
    defaultMeta: { service: options.service },
    format: winston.format.combine(winston.format.timestamp(), traceFields(), winston.format.json()),
    transports: [transport],
  });
}

/** Fields that tie a log line to one deployment and one request. */
export interface LogContext {
  readonly deploymentId?: string;
  readonly correlationId?: string;
  readonly [field: string]: unknown;
}

/**
 * A child logger whose every line carries deployment_id and correlation_id (snake_case,
 * as log queries expect) plus any other given fields. Undefined fields are left out.
 */
export function withContext(logger: Logger, context: LogContext): Logger {
  const { deploymentId, correlationId, ...rest } = context;
  const meta: Record<string, unknown> = {};
  if (deploymentId !== undefined) meta["deployment_id"] = deploymentId;
  if (correlationId !== undefined) meta["correlation_id"] = correlationId;
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) meta[key] = value;
  return logger.child(meta);
}

/**
 * trace_id and span_id of the span active when the line is logged (none while tracing
 * is off), so a log search can jump to the trace and back.
 */
const traceFields = winston.format((info) => Object.assign(info, activeTraceFields()));
