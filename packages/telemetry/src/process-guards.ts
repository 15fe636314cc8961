// The process-wide policy for failures nothing awaited. Since Node 15 an unhandled
// promise rejection ends the process; a late failure of one request (a Kubernetes read
// that rejects after the RPC's deadline already answered) must not take every other
// request down with it. Every role of the CRM (and the PM) installs this once at start.
//
// Policy:
// - unhandledRejection: logged (error level, with the reason's name, message and stack)
//   and counted in `process_unhandled_rejections_total`; the process keeps running. The
//   rejection belongs to work whose caller is gone; its state is per request.
// - uncaughtException: logged and counted in `process_uncaught_exceptions_total`; then,
//   by default, the process exits with code 1 after the log line is flushed, because a
//   synchronous throw out of an event handler can leave shared state half-updated
//   (Node's own guidance). `exitOnUncaughtException: false` keeps running (tests).
import type { Metrics } from "./metrics.ts";
import type { Logger } from "./logger.ts";

export interface ProcessGuardOptions {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Default true: exit(1) after logging an uncaught exception. */
  readonly exitOnUncaughtException?: boolean;
  /** The process to guard; default the global one (tests pass an EventEmitter-like stub). */
  readonly target?: GuardTarget;
}

/** Longest wait for the log line of an uncaught exception before exiting, ms. */
const exitFlushMs = 2000;

/** The part of `process` the guards use. */
export interface GuardTarget {
  on(event: "unhandledRejection", listener: (reason: unknown) => void): unknown;
  on(event: "uncaughtException", listener: (error: Error) => void): unknown;
  off(event: "unhandledRejection", listener: (reason: unknown) => void): unknown;
  off(event: "uncaughtException", listener: (error: Error) => void): unknown;
  exit(code: number): void;
}

export interface ProcessGuards {
  /** Rejections seen since install. */
  readonly unhandledRejections: number;
  readonly uncaughtExceptions: number;
  /** Removes the listeners (tests; a role that stops). */
  uninstall(): void;
}

/** Installs the policy above; returns counters and an uninstall function. */
export function installProcessGuards(options: ProcessGuardOptions): ProcessGuards {
  const target: GuardTarget = options.target ?? process;
  const { logger } = options;
  const rejections = options.metrics?.meter.createCounter("process_unhandled_rejections", {
    description: "Promise rejections nothing handled; each is logged. Non-zero means a bug to fix.",
  });
  const exceptions = options.metrics?.meter.createCounter("process_uncaught_exceptions", {
    description: "Exceptions thrown out of an event handler; each is logged.",
  });
  const counts = { rejections: 0, exceptions: 0 };
  const onRejection = (reason: unknown) => {
    counts.rejections++;
    rejections?.add(1, { kind: errorName(reason) });
    logger.error("unhandled promise rejection (process kept running)", describe(reason));
  };
  const onException = (error: Error) => {
    counts.exceptions++;
    exceptions?.add(1, { kind: errorName(error) });
    const exit = options.exitOnUncaughtException ?? true;
    logger.error(`uncaught exception${exit ? " (process exits)" : ""}`, describe(error));
    if (!exit) return;
    // Exit once the line is written; a transport that never finishes must not keep us up.
    const fallback = setTimeout(() => target.exit(1), exitFlushMs);
    logger.once("finish", () => {
      clearTimeout(fallback);
      target.exit(1);
    });
    logger.end();
  };
  target.on("unhandledRejection", onRejection);
  target.on("uncaughtException", onException);
  return {
    get unhandledRejections() {
      return counts.rejections;
    },
    get uncaughtExceptions() {
      return counts.exceptions;
    },
    uninstall: () => {
      target.off("unhandledRejection", onRejection);
      target.off("uncaughtException", onException);
    },
  };
}

function errorName(reason: unknown): string {
  return reason instanceof Error ? reason.name : typeof reason;
}

function describe(reason: unknown): Record<string, unknown> {
  if (!(reason instanceof Error)) return { reason: String(reason) };
  const cause: unknown = reason.cause;
  return {
    error: `${reason.name}: ${reason.message}`,
    stack: reason.stack,
    ...(cause instanceof Error ? { cause: `${cause.name}: ${cause.message}` } : {}),
  };
}
