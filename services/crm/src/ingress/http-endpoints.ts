// Plain HTTP beside the RPCs on the same listener: liveness, readiness and metrics.
// Used as the Connect adapter's fallback, so any path that is not an RPC lands here.
// Everything about a record travels as RPCs (DeploymentService, RecordDetailService).
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import { prometheusContentType, type Metrics } from "@oaas/telemetry";
import type { Readiness } from "../health/readiness.ts";

type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

export function httpEndpoints(readiness: Readiness, metrics: Metrics): NodeHandlerFn {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(404, "text/plain", "not found\n");
    switch (path) {
      case "/healthz":
        // Alive: the event loop answers. Dependencies are /readyz's business.
        return send(200, "text/plain", "ok\n");
      case "/readyz":
        void readiness.check().then(
          (state) => send(state.ready ? 200 : 503, "application/json", JSON.stringify(state) + "\n"),
          (error: unknown) =>
            send(503, "application/json", JSON.stringify({ ready: false, reason: String(error) }) + "\n"),
        );
        return;
      case "/metrics":
        void metrics.render().then(
          (text) => send(200, prometheusContentType, text),
          (error: unknown) => send(500, "text/plain", `metrics unavailable: ${String(error)}\n`),
        );
        return;
      default:
        return send(404, "text/plain", "not found\n");
    }
  };
}
