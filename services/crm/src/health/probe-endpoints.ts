// /healthz, /readyz and /metrics over plain HTTP, answered alike by every role: the
// ingress serves them beside its RPCs (ingress/http-endpoints.ts), the watcher and the
// reconciler on a listener of their own (roles/health-server.ts). Kubernetes probes
// (https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
// and Prometheus scrapes look the same whatever the role.
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import { prometheusContentType, type Metrics } from "@oaas/telemetry";
import type { Readiness } from "./readiness.ts";

/** A Node request handler, HTTP/1.1 or HTTP/2: the Connect adapter's fallback type. */
export type ProbeHandler = ReturnType<typeof connectNodeAdapter>;

/** Writes one whole answer to `res`, never cached (probes and scrapes want it fresh). */
export function answerer(res: Parameters<ProbeHandler>[1]) {
  return (status: number, contentType: string, body: string): void => {
    res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
    res.end(body);
  };
}

/** Answers GET/HEAD /healthz, /readyz and /metrics; any other request is 404. */
export function probeEndpoints(readiness: Readiness, metrics: Metrics): ProbeHandler {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = answerer(res);
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
