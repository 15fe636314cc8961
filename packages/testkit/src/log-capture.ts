// Captures a JSON-lines logger's output (winston's JSON format, one object a line) for
// assertions: pass `stream` to the logger, read `lines`. One helper for the CRM, PM,
// reconciler and telemetry suites instead of one Writable each.
import { Writable } from "node:stream";

/** One parsed log line: the level and message winston always writes, plus its fields. */
export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface LogCapture {
  /** Every complete line written so far, parsed, in order. */
  readonly lines: LogLine[];
  /** The stream to give the logger. */
  readonly stream: Writable;
}

/**
 * A stream that parses each complete line as JSON into `lines`. A line split across two
 * writes is joined first; a line that is not JSON fails the write (a test bug, loudly).
 */
export function captureLogLines(): LogCapture {
  const lines: LogLine[] = [];
  let partial = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const parts = (partial + chunk.toString("utf8")).split("\n");
      partial = parts.pop() ?? "";
      try {
        for (const line of parts) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  return { lines, stream };
}
