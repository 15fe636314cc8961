// One health probe of a CRM: CrmInfoService.GetEnvHealth (the cluster's figures), falling
// back to grpc.health.v1 Check (serving or not) when the CRM does not answer it, else
// UNREACHABLE. When the CRM refuses the PM's credentials (UNAUTHENTICATED, e.g. a wrong
// OPRC_PM_CRM_<NAME>_TOKEN_FILE, or PERMISSION_DENIED) there is no fallback: the public
// health check would say SERVING of a cluster every call of the PM fails on. The manager
// (manager.ts) caches the result and adds the breaker state.
import { Code } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { CrmEnvRequestSchema, grpcHealthV1 } from "@oaas/proto";
import { clusterVar } from "../config/clusters.ts";
import type { CrmClients } from "./client.ts";
import { toCrmError } from "./errors.ts";

export type BreakerState = "closed" | "open" | "half-open" | "isolated";

export interface ClusterHealth {
  readonly cluster: string;
  /**
   * From CrmEnvHealth.status (HEALTHY/DEGRADED/UNHEALTHY), else SERVING/NOT_SERVING, else
   * UNREACHABLE; UNAUTHENTICATED or PERMISSION_DENIED when the CRM refuses the PM's credentials.
   */
  readonly status: string;
  /** False when no answer came, or the CRM refused the PM's credentials (nothing the PM asks would be served). */
  readonly reachable: boolean;
  readonly source: "env-health" | "grpc-health" | "none";
  readonly availability?: number;
  readonly node_count?: number;
  readonly ready_nodes?: number;
  readonly crm_version?: string;
  /** CrmEnvHealth.message: why the CRM says its cluster is not HEALTHY (e.g. no reconciler worker, no watcher). */
  readonly message?: string;
  readonly error?: string;
  /** RFC 3339 time of the probe. */
  readonly checked_at: string;
  readonly breaker: BreakerState;
}

/** What a probe finds; the manager adds the breaker state. */
export type ProbedHealth = Omit<ClusterHealth, "breaker">;

/** Probes the CRM of cluster `name` through `clients`, each call within `timeoutMs`. Never throws. */
export async function probeCrm(clients: CrmClients, name: string, timeoutMs: number): Promise<ProbedHealth> {
  const checked_at = new Date().toISOString();
  try {
    const env = await clients.info.getEnvHealth(create(CrmEnvRequestSchema, { env: name }), { timeoutMs });
    return {
      cluster: name,
      status: env.status || "UNKNOWN",
      reachable: true,
      source: "env-health",
      ...(env.availability !== undefined ? { availability: env.availability } : {}),
      ...(env.nodeCount !== undefined ? { node_count: env.nodeCount } : {}),
      ...(env.readyNodes !== undefined ? { ready_nodes: env.readyNodes } : {}),
      ...(env.crmVersion !== undefined ? { crm_version: env.crmVersion } : {}),
      ...(env.message ? { message: env.message } : {}),
      checked_at,
    };
  } catch (envError) {
    const refused = toCrmError(name, envError);
    if (refused.code === Code.Unauthenticated || refused.code === Code.PermissionDenied) {
      return {
        cluster: name,
        status: refused.code === Code.Unauthenticated ? "UNAUTHENTICATED" : "PERMISSION_DENIED",
        reachable: false,
        source: "env-health",
        error: `${refused.message} (the CRM refuses the PM's credentials for this cluster: check ${clusterVar(name, "TOKEN_FILE")} (or _TOKEN) and the CRM's tokens file)`,
        checked_at,
      };
    }
    try {
      const res = await clients.health.check(create(grpcHealthV1.HealthCheckRequestSchema, {}), {
        timeoutMs,
      });
      return {
        cluster: name,
        status: grpcHealthV1.HealthCheckResponse_ServingStatus[res.status],
        reachable: true,
        source: "grpc-health",
        error: `GetEnvHealth failed: ${toCrmError(name, envError).message}`,
        checked_at,
      };
    } catch (error) {
      return {
        cluster: name,
        status: "UNREACHABLE",
        reachable: false,
        source: "none",
        error: toCrmError(name, error).message,
        checked_at,
      };
    }
  }
}
