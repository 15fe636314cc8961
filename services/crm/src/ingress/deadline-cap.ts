// Client deadlines beyond Node's timer range. connect-node arms a setTimeout with the
// deadline a client sends; Node's timers take at most 2^31-1 ms (about 24.8 days) and
// fire after 1 ms for anything larger, so a 30-day deadline (grpc-go sends
// `grpc-timeout: 2592000S` for a long context) would end every call at once. The cap
// rewrites such headers to the largest deadline a timer can hold, before connect reads
// them: a long deadline stays a long deadline, over gRPC and gRPC-Web (`grpc-timeout`)
// and the Connect protocol (`connect-timeout-ms`). Malformed values are left alone;
// connect answers them INVALID_ARGUMENT "protocol error: invalid ... timeout value".
import type { IncomingHttpHeaders } from "node:http";

/** The largest delay Node's timers honour, ms. */
export const maxTimerMs = 2 ** 31 - 1;

const grpcUnitsMs: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000001,
};
// The gRPC spec: at most 8 digits and one unit; connect-node accepts the same.
const grpcTimeout = /^(\d{1,8})([HMSmun])$/;
// The Connect protocol: at most 10 digits of milliseconds.
const connectTimeout = /^\d{1,10}$/;

/** Rewrites an out-of-range `grpc-timeout` / `connect-timeout-ms` header in place to the cap. */
export function capDeadlineHeaders(headers: IncomingHttpHeaders): void {
  const grpc = headers["grpc-timeout"];
  if (typeof grpc === "string") {
    const match = grpcTimeout.exec(grpc);
    if (match && Number(match[1]) * (grpcUnitsMs[match[2] ?? ""] ?? 0) > maxTimerMs) {
      headers["grpc-timeout"] = `${Math.floor(maxTimerMs / 1000)}S`;
    }
  }
  const connect = headers["connect-timeout-ms"];
  if (typeof connect === "string" && connectTimeout.test(connect) && Number(connect) > maxTimerMs) {
    headers["connect-timeout-ms"] = String(maxTimerMs);
  }
}
