// A client span per CRM call with the W3C trace context in the request headers, so the
// CRM ingress continues the PM request's trace. Needed by hand: the calls go over
// HTTP/2, which the http auto-instrumentation does not see. A no-op while tracing is off.
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { inSpan, injectTraceHeaders } from "@oaas/telemetry";

/** `cluster` names the CRM in the span's attributes. */
export function traceCrmCalls(cluster: string): Interceptor {
  return (next) => (req) =>
    inSpan(
      `${req.service.typeName}/${req.method.name}`,
      {
        kind: "client",
        attributes: {
          "rpc.system": "grpc",
          "rpc.service": req.service.typeName,
          "rpc.method": req.method.name,
          "oaas.cluster": cluster,
        },
      },
      async (span) => {
        injectTraceHeaders(req.header);
        try {
          return await next(req);
        } catch (error) {
          if (error instanceof ConnectError) span.setAttribute("rpc.grpc.status_code", error.code);
          throw error;
        }
      },
    );
}
