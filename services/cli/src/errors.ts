// Every failure the CLI reports, as typed errors with an exit code. main.ts prints one
// line (`error: <message>`) and exits with the code; nothing else prints errors.

/** Exit codes scripts can rely on (documented in the README and `oaasctl --help`). */
export const exitCodes = {
  /** The PM answered with an error (400/404/409/5xx), or a command failed. */
  failed: 1,
  /** Bad arguments or an unreadable/invalid input file: nothing was sent. */
  usage: 2,
  /** No answer from the PM (connection refused, unknown host, request timeout). */
  unreachable: 3,
  /** `--wait` ended without the deployment becoming ready (timeout, or it failed). */
  notReady: 4,
} as const;

/** Base class: `message` is the one line the user sees. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failed,
  ) {
    super(oneLine(message));
    this.name = new.target.name;
  }
}

/** Bad arguments or input; exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, exitCodes.usage);
  }
}

/** The PM could not be reached; `reason` is short, e.g. "connection refused". */
export class PmUnreachableError extends CliError {
  /** `timedOut`: the request went out and no answer came in time (the PM may be up but waiting on a CRM). */
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly timedOut = false,
  ) {
    super(
      timedOut
        ? `the Package Manager at ${url} did not answer: ${reason} (it may be waiting for a slow or stopped CRM: \`oaasctl clusters\` shows each cluster's health; --request-timeout sets how long to wait)`
        : `cannot reach the Package Manager at ${url}: ${reason}`,
      exitCodes.unreachable,
    );
  }
}

/** The PM answered with a non-2xx status; `message` already names the problem. */
export class PmHttpError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    /** The PM's own `{ "error": ... }` text, when it sent one. */
    readonly pmError: string | undefined,
  ) {
    super(message, exitCodes.failed);
  }
}

/** `--wait` gave up: timeout, or the deployment reached a failed state. */
export class NotReadyError extends CliError {
  constructor(message: string) {
    super(message, exitCodes.notReady);
  }
}

/** Collapses line breaks so every message fits the one-line error contract. */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join("; ");
}
