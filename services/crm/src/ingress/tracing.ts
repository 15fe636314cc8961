// A server span per RPC, child of the caller's W3C trace context (traceparent header),
// active while the handler runs: the Deploy handler copies it into the record
// (oaas.io/traceparent), so the reconcile it causes joins the same trace, and log
// lines of the call carry trace_id/span_id. By hand because the listener is HTTP/2,
// which the http auto-instrumentation does not see. A no-op while tracing is off.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { extractTraceHeaders, inSpan } from "@oaas/telemetry";

export function traceRpcs(): Interceptor {
  return (next) => (req) =>
    inSpan(
      `${req.service.typeName}/${req.method.name}`,
      {
        kind: "server",
        parent: extractTraceHeaders(req.header),
        attributes: {
          "rpc.system": "grpc",
          "rpc.service": req.service.typeName,
          "rpc.method": req.method.name,
        },
      },
      async (span) => {
        try {
          const res = await next(req);
          span.setAttribute("rpc.grpc.status_code", 0); // OK (Connect has no Code for it)
          return res;
        } catch (error) {
          span.setAttribute(
            "rpc.grpc.status_code",
            error instanceof ConnectError ? error.code : Code.Unknown,
          );
          throw error;
        }
      },
    );
}
