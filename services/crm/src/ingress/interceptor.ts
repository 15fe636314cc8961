// Cross-cutting behaviour of every RPC, in one place: the correlation id (read or
// generated in the request gate, echoed in response headers, which every protocol also
// sends with an error: gRPC trailers-only responses merge them), the one mapping of
// domain errors to status codes, a prompt DEADLINE_EXCEEDED even if some call below
// ignored the abort signal, a JSON log line per call (info for writes, debug for reads) and the RPC metrics.
import { Code, ConnectError, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import type { Metrics, Logger } from "@oaas/telemetry";
import { withContext } from "@oaas/telemetry";
import { rpcAccess } from "./access.ts";
import { toConnectError } from "./error-map.ts";
import { correlationHeader, correlationIdFrom, correlationKey } from "./metadata.ts";

/** Runs before the request body is read: fixes the correlation id and echoes it. */
export function correlationGate(context: HandlerContext): void {
  const id = correlationIdFrom(context.requestHeader.get(correlationHeader));
  context.values.set(correlationKey, id);
  context.responseHeader.set(correlationHeader, id);
}

/** Boundaries of grpc_server_handling_seconds: 1 ms .. 10 s, as Prometheus' client defaults plus the low end. */
export const rpcSecondsBuckets: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * The RPCs that change state (Deploy and DeleteDeployment: `write` in access.ts), by
 * "service/method". Their calls log at info; every other RPC is a read (status,
 * runtimes, health, env health, reflection) and logs at debug: the PM reads each
 * deployment's status on every refresh, so read lines at info grew with the number of
 * deployments at idle (56 stored: about 170 lines a minute).
 */
export const stateChangingRpcs: ReadonlySet<string> = new Set(
  Object.entries(rpcAccess)
    .filter(([, access]) => access.write)
    .map(([rpc]) => rpc),
);

/** The level of a call's "rpc" line that did not fail internally: info for writes, debug for reads. */
export function rpcLogLevel(service: string, method: string): "info" | "debug" {
  return stateChangingRpcs.has(`${service}/${method}`) ? "info" : "debug";
}

export function observeRpcs(logger: Logger, metrics: Metrics): Interceptor {
  // Names as go-grpc-prometheus exports them, so existing dashboards work.
  const handled = metrics.meter.createCounter("grpc_server_handled", {
    description: "RPCs completed on the server, by service, method and status code.",
  });
  const seconds = metrics.meter.createHistogram("grpc_server_handling_seconds", {
    description: "Time to the response (unary) or to the stream start, in seconds.",
    unit: "s",
    // OpenTelemetry's default boundaries (0, 5, 10, 25 ... 10000) are meant for
    // milliseconds; in seconds they put every call from 2 ms to 1.5 s in one bucket.
    advice: { explicitBucketBoundaries: [...rpcSecondsBuckets] },
  });
  return (next) => async (req) => {
    const started = performance.now();
    const correlationId =
      req.contextValues.get(correlationKey) || correlationIdFrom(req.header.get(correlationHeader));
    const deploymentId = req.stream ? undefined : deploymentIdOf(req.message);
    const done = (error?: ConnectError) => {
      const code = error ? Code[error.code] : "OK";
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      const labels = { grpc_service: req.service.typeName, grpc_method: req.method.name, grpc_code: code };
      handled.add(1, labels);
      seconds.record(durationMs / 1000, labels);
      const failed = error?.code === Code.Internal || error?.code === Code.Unknown;
      const level = failed ? "error" : rpcLogLevel(req.service.typeName, req.method.name);
      if (!logger.isLevelEnabled(level)) return; // a child logger per call is not free
      const line = withContext(logger, { deploymentId, correlationId });
      const fields = {
        rpc: `${req.service.typeName}/${req.method.name}`,
        code,
        duration_ms: durationMs,
        ...(error ? { error: error.rawMessage } : {}),
      };
      if (failed) line.error("rpc failed", { ...fields, cause: causeOf(error) });
      else line.log(level, "rpc", fields);
    };
    try {
      // A call whose deadline passed (or whose client left) while its body was read is
      // not started at all: its Kubernetes work would only fail later, unobserved.
      if (req.signal.aborted) throw abortError(req.signal);
      const res = await untilAborted(next(req), req.signal, (late) => {
        // The answer (DEADLINE_EXCEEDED / CANCELLED) is gone already; this is the work's own end.
        withContext(logger, { deploymentId, correlationId }).debug("rpc work failed after the call ended", {
          rpc: `${req.service.typeName}/${req.method.name}`,
          error: late instanceof Error ? `${late.name}: ${late.message}` : String(late),
        });
      });
      done();
      return res;
    } catch (thrown) {
      const error =
        req.signal.aborted && (!(thrown instanceof ConnectError) || thrown === req.signal.reason)
          ? abortError(req.signal)
          : toConnectError(thrown);
      done(error);
      throw error;
    }
  };
}

/**
 * The call's result, or its signal's reason as soon as the signal aborts (deadline,
 * cancel, shutdown). Either way the call's own rejection is observed: after an abort it
 * goes to `onLate` instead of becoming an unhandled rejection.
 */
function untilAborted<T>(
  call: Promise<T>,
  signal: AbortSignal,
  onLate: (error: unknown) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let ended = false;
    const onAbort = () => {
      ended = true;
      reject(abortError(signal));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (ended) onLate(error);
        else reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** How connect-node words the abort reason of a stream the peer reset (node-error.ts). */
const peerResetPrefix = "http/2 stream closed with error code ";

/**
 * The error a call ends with once its signal aborted: the server's deadline
 * (DEADLINE_EXCEEDED), shutdown, or the client leaving. A stream the client reset ends
 * CANCELLED whatever code its RST_STREAM carried: on a server a client's reset is the
 * client giving up (grpc-go cancels the call's context the same way). connect-node maps
 * the code as a client maps a server's reset (gRPC PROTOCOL-HTTP2.md), and Node's HTTP/2
 * client resets a stream whose deadline passed with INTERNAL_ERROR, so a client's timeout
 * read as INTERNAL here: an error log line and an alert-worthy metric for nothing the
 * server did.
 */
export function abortError(signal: AbortSignal): ConnectError {
  const reason: unknown = signal.reason;
  if (!(reason instanceof ConnectError)) return new ConnectError("the call was cancelled", Code.Canceled);
  if (reason.code !== Code.Canceled && reason.rawMessage.startsWith(peerResetPrefix))
    return new ConnectError(
      `the client reset the stream (${reason.rawMessage})`,
      Code.Canceled,
      undefined,
      undefined,
      reason,
    );
  return reason;
}

/** The deployment id a request names, for the log line and the audit line. */
export function deploymentIdOf(message: unknown): string | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const m = message as { deploymentId?: unknown; deploymentUnit?: { id?: unknown } };
  if (typeof m.deploymentId === "string") return m.deploymentId;
  if (typeof m.deploymentUnit?.id === "string") return m.deploymentUnit.id;
  return undefined;
}

function causeOf(error: ConnectError | undefined): string | undefined {
  const cause: unknown = error?.cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
