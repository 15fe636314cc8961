// Answers of the cluster routes (/clusters, alias /envs). A ClusterHealth carries the
// reference implementation's fields (cluster_name, status, crm_version, last_seen,
// node_count, ready_nodes, availability) and the PM's own (reachable, source, breaker...).
import Type, { type Static } from "typebox";

export const breakerStates = ["closed", "open", "half-open", "isolated"] as const;
export const healthSources = ["env-health", "grpc-health", "none"] as const;

export const ClusterHealth = Type.Object(
  {
    cluster_name: Type.String({ description: "the cluster's name (the reference implementation's field)" }),
    cluster: Type.String({ description: "the cluster's name" }),
    status: Type.String({
      description:
        "from CrmEnvHealth.status (HEALTHY, DEGRADED, UNHEALTHY), else the gRPC health check's SERVING or NOT_SERVING, else UNREACHABLE; UNAUTHENTICATED or PERMISSION_DENIED when the CRM refuses the PM's credentials (error says which setting)",
    }),
    crm_version: Type.Optional(Type.String()),
    last_seen: Type.String({ description: "RFC 3339 time of the probe this answer comes from" }),
    node_count: Type.Optional(Type.Integer({ minimum: 0 })),
    ready_nodes: Type.Optional(Type.Integer({ minimum: 0 })),
    availability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    reachable: Type.Boolean({
      description: "false when the CRM did not answer, or refused the PM's credentials for it",
    }),
    source: Type.Enum(healthSources, { description: "which call answered" }),
    message: Type.Optional(
      Type.String({
        description:
          "the CRM's reason when it reports DEGRADED or UNHEALTHY (CrmEnvHealth.message): nodes not ready, a work queue with no worker, no watcher holding its Lease",
      }),
    ),
    error: Type.Optional(Type.String({ description: "why the probe failed" })),
    checked_at: Type.String({ description: "RFC 3339 time of the probe (same as last_seen)" }),
    breaker: Type.Enum(breakerStates, {
      description:
        "the PM's circuit breaker toward the cluster (open: calls refused until a trial call succeeds)",
    }),
  },
  { additionalProperties: false },
);
export type ClusterHealth = Static<typeof ClusterHealth>;

/** GET /clusters: each configured cluster with its cached health. */
export const ClusterInfo = Type.Object(
  {
    name: Type.String(),
    url: Type.Optional(Type.String({ description: "the CRM's address" })),
    default: Type.Boolean({ description: "deployments without target clusters go here" }),
    health: ClusterHealth,
  },
  { additionalProperties: false },
);
export type ClusterInfo = Static<typeof ClusterInfo>;

export const overallHealth = ["HEALTHY", "DEGRADED", "UNHEALTHY", "NO_CLUSTERS"] as const;

/** GET /clusters/health/summary: one verdict over every cluster, and each cluster's health. */
export const HealthSummary = Type.Object(
  {
    status: Type.Enum(overallHealth, {
      description: "HEALTHY: every cluster reachable; DEGRADED: some; UNHEALTHY: none; NO_CLUSTERS",
    }),
    clusters: Type.Array(ClusterHealth),
  },
  { additionalProperties: false },
);
export type HealthSummary = Static<typeof HealthSummary>;

/** The verdict of HealthSummary over clusters' reachability (the one place it is decided). */
export function overallStatus(clusters: readonly { reachable: boolean }[]): HealthSummary["status"] {
  const healthy = clusters.filter((c) => c.reachable).length;
  if (clusters.length === 0) return "NO_CLUSTERS";
  if (healthy === clusters.length) return "HEALTHY";
  return healthy ? "DEGRADED" : "UNHEALTHY";
}
