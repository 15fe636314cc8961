// Plain HTTP beside the RPCs on the same listener: a record's history (history-route.ts)
// and status in full (status-route.ts), then liveness, readiness and metrics
// (health/probe-endpoints.ts, what every role answers).
// Used as the Connect adapter's fallback, so any path that is not an RPC lands here.
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Metrics } from "@oaas/telemetry";
import { answerer, probeEndpoints } from "../health/probe-endpoints.ts";
import type { Readiness } from "../health/readiness.ts";
import { serveHistory, type HistorySource } from "./history-route.ts";
import { serveStatus, type StatusRouteOptions } from "./status-route.ts";

type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

/** The record routes; each is 404 when absent (roles without records serve none). */
export interface RecordRoutes {
  /** The CRM's configured namespace: the one the routes read when the query names none. */
  readonly namespace: string;
  /** Where GET /api/v1/records/{id}/history reads. */
  readonly history?: HistorySource;
  /** Where GET /api/v1/records/{id}/status reads, and its logger. */
  readonly status?: Omit<StatusRouteOptions, "namespace">;
}

export function httpEndpoints(readiness: Readiness, metrics: Metrics, records?: RecordRoutes): NodeHandlerFn {
  const probes = probeEndpoints(readiness, metrics);
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = answerer(res);
    if (req.method !== "GET" && req.method !== "HEAD") return send(404, "text/plain", "not found\n");
    const json = (status: number, body: unknown) =>
      send(status, "application/json", JSON.stringify(body) + "\n");
    if (records?.history && serveHistory(req.url ?? "/", json, records.history, records.namespace)) return;
    if (records?.status && path?.startsWith("/api/v1/records/")) {
      // The read stops when the client goes away (e.g. the PM's deadline passed).
      const gone = new AbortController();
      res.once("close", () => gone.abort());
      const request = { url: req.url ?? "/", headers: req.headers };
      if (serveStatus(request, json, gone.signal, { ...records.status, namespace: records.namespace }))
        return;
    }
    probes(req, res);
  };
}
