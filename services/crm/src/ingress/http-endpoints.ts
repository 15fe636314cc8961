// Plain HTTP beside the RPCs on the same listener: liveness, readiness and metrics
// (health/probe-endpoints.ts, what every role answers).
// Used as the Connect adapter's fallback, so any path that is not an RPC lands here.
// Everything about a record travels as RPCs (DeploymentService, RecordDetailService).
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Gate } from "@oaas/auth";
import type { Metrics } from "@oaas/telemetry";
import { answerer, probeEndpoints } from "../health/probe-endpoints.ts";
import type { Readiness } from "../health/readiness.ts";

type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

/** `gate`: the process gate; /metrics needs `metrics` or higher through it, as on every role. */
export function httpEndpoints(readiness: Readiness, metrics: Metrics, gate: Gate): NodeHandlerFn {
  const probes = probeEndpoints(readiness, metrics, gate);
  return (req, res) => {
    const send = answerer(res);
    if (req.method !== "GET" && req.method !== "HEAD") return send(404, "text/plain", "not found\n");
    probes(req, res);
  };
}
