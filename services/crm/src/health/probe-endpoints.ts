// /healthz, /readyz and /metrics over plain HTTP, answered alike by every role: the
// ingress serves them beside its RPCs (ingress/http-endpoints.ts), the watcher and the
// reconciler on a listener of their own (roles/health-server.ts). Kubernetes probes
// (https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
// and Prometheus scrapes look the same whatever the role. The probes stay open; /metrics
// needs the `metrics` role or higher, as controller-runtime protects its metrics endpoint
// (a gate that runs open, config.auth.open, lets every scrape through).
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import { TLSSocket } from "node:tls";
import { certificateIdentities, type Gate, type GateRequest, type Need } from "@oaas/auth";
import { prometheusContentType, type Metrics } from "@oaas/telemetry";
import type { Readiness } from "./readiness.ts";

/** A Node request handler, HTTP/1.1 or HTTP/2: the Connect adapter's fallback type. */
export type ProbeHandler = ReturnType<typeof connectNodeAdapter>;

/** Writes one whole answer to `res`, never cached (probes and scrapes want it fresh). */
export function answerer(res: Parameters<ProbeHandler>[1]) {
  return (
    status: number,
    contentType: string,
    body: string,
    headers: Readonly<Record<string, string>> = {},
  ): void => {
    res.writeHead(status, { ...headers, "content-type": contentType, "cache-control": "no-store" });
    res.end(body);
  };
}

/** What each path needs: the one table of the roles' HTTP routes (the ingress's RPCs have their own). */
export const probeNeeds: Readonly<Record<string, Need>> = {
  "/healthz": "public",
  "/readyz": "public",
  "/metrics": "metrics",
};

/** What a request presents to the gate: its Authorization header, its verified client certificate (mTLS listeners) and its address. */
export function presented(req: Parameters<ProbeHandler>[0]): GateRequest {
  const socket = req.socket;
  const peerIdentities =
    socket instanceof TLSSocket && socket.authorized
      ? certificateIdentities(socket.getPeerCertificate())
      : undefined;
  return { authorization: req.headers.authorization, peerIdentities, source: socket.remoteAddress ?? "" };
}

/**
 * Answers GET/HEAD /healthz, /readyz and /metrics; any other request is 404 with the same
 * body whoever asks (nothing about what else exists). /metrics asks `gate` for the
 * `metrics` role: 401 with a Bearer challenge, 403 or 429 as the gate answers. Without a
 * gate /metrics is open (a caller that serves no credentials at all).
 */
export function probeEndpoints(readiness: Readiness, metrics: Metrics, gate?: Gate): ProbeHandler {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const send = answerer(res);
    const need = Object.hasOwn(probeNeeds, path) ? probeNeeds[path] : undefined;
    if ((req.method !== "GET" && req.method !== "HEAD") || need === undefined)
      return send(404, "text/plain", "not found\n");
    if (gate === undefined || need === "public") return serve(path, send);
    void gate(presented(req), need).then(
      (result) => {
        if (result.ok) serve(path, send);
        else send(result.status, "text/plain", `${result.message}\n`, result.headers);
      },
      (error: unknown) => {
        send(503, "text/plain", `cannot verify the credential now: ${String(error)}\n`);
      },
    );
  };

  function serve(path: string, send: ReturnType<typeof answerer>): void {
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
      default:
        void metrics.render().then(
          (text) => send(200, prometheusContentType, text),
          (error: unknown) => send(500, "text/plain", `metrics unavailable: ${String(error)}\n`),
        );
    }
  }
}
