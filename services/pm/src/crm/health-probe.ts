// One health probe of a CRM: CrmInfoService.GetEnvHealth (the cluster's figures), falling
// back to grpc.health.v1 Check (serving or not) when the CRM does not answer it, else
// UNREACHABLE. The manager (manager.ts) caches the result and adds the breaker state.
import { create } from "@bufbuild/protobuf";
import { CrmEnvRequestSchema, grpcHealthV1 } from "@oaas/proto";
import type { CrmClients } from "./client.ts";
import { toCrmError } from "./errors.ts";

export type BreakerState = "closed" | "open" | "half-open" | "isolated";

export interface ClusterHealth {
  readonly cluster: string;
  /** From CrmEnvHealth.status (HEALTHY/DEGRADED/UNHEALTHY), else SERVING/NOT_SERVING, else UNREACHABLE. */
  readonly status: string;
  readonly reachable: boolean;
  readonly source: "env-health" | "grpc-health" | "none";
  readonly availability?: number;
  readonly node_count?: number;
  readonly ready_nodes?: number;
  readonly crm_version?: string;
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
      checked_at,
    };
  } catch (envError) {
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
