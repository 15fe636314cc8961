// What the CLI shows and waits on, read from the PM's typed answers (@oaas/pm-api): one
// row per cluster a deployment went to, and one status view per cluster's record.
import type {
  ClusterInfo,
  ConditionDetail,
  DeploymentMappings,
  DeploymentResult,
  DeploymentStatus,
  DeploymentWithClusters,
  FunctionDetail,
} from "@oaas/pm-api";

export interface ClusterUnit {
  readonly cluster: string;
  /** The per-cluster DeploymentUnit id (the CRM's deployment_id). */
  readonly unitId?: string;
  /** The cluster's status (the CRM's summary) or the mapping's state. */
  readonly status?: string;
  readonly message?: string;
}

/** GET /deployments/{key}: each cluster's mapping and what its CRM reports. */
export function deploymentUnits(d: DeploymentWithClusters): ClusterUnit[] {
  return d.clusters.map((c) => ({
    cluster: c.cluster,
    unitId: c.unit_id,
    status: c.status,
    ...(c.error !== undefined || c.message !== undefined ? { message: c.error ?? c.message } : {}),
  }));
}

/** A dispatch's units, or a cluster-mappings answer: where it went and the mapping state. */
export function mappedUnits(answer: DeploymentResult | DeploymentMappings): ClusterUnit[] {
  const units = "units" in answer ? answer.units : answer.mappings;
  return units.map((u) => ({
    cluster: u.cluster,
    unitId: u.unit_id,
    status: u.state,
    ...(u.message !== undefined ? { message: u.message } : {}),
  }));
}

/** Conditions of a stored OClassDeployment: RUNNING is ready, DOWN failed. */
export const deploymentReady = "RUNNING";
export const deploymentFailed: readonly string[] = ["DOWN", "DELETED"];

/**
 * One cluster's status as `status` shows it (JSON output too): the PM's answer, or, when
 * the PM could not ask that cluster, its name with FAILED (never deployed there) or
 * UNKNOWN and why.
 */
export type ClusterStatus =
  | DeploymentStatus
  | { readonly cluster: string; readonly status: "FAILED" | "UNKNOWN"; readonly message?: string };

/** `status` of a key deployed to several clusters: one entry per cluster. */
export interface EveryClusterStatus {
  readonly deployment: string;
  readonly clusters: readonly ClusterStatus[];
}

export interface StatusView {
  readonly id: string;
  readonly cluster?: string;
  /** The summarized status (RUNNING, PROGRESSING, DEGRADED, ERROR...), or FAILED/UNKNOWN. */
  readonly phase?: string;
  readonly message?: string;
  readonly conditions: readonly ConditionDetail[];
  readonly functions: readonly FunctionDetail[];
  /** Why the answer has no conditions and functions (the PM could not get them from the CRM). */
  readonly detailUnavailable?: string;
  /** The cluster's health and its CRM's reason, when not HEALTHY and the spec is not reconciled yet (commands/status.ts). */
  readonly clusterHealth?: string;
}

/** One view per cluster of a status answer (one, or one per cluster of a key). */
export function statusViews(body: DeploymentStatus | EveryClusterStatus, id: string): StatusView[] {
  const entries = "clusters" in body ? body.clusters : [body];
  return entries.map((s) => {
    const full = "deployment_id" in s ? s : undefined;
    return {
      id: full?.deployment_id ?? id,
      cluster: s.cluster,
      phase: s.status,
      ...(s.message !== undefined ? { message: s.message } : {}),
      conditions: full?.conditions ?? [],
      functions: full?.functions ?? [],
      ...(full?.detail_unavailable !== undefined ? { detailUnavailable: full.detail_unavailable } : {}),
    };
  });
}

/**
 * Ready: the Available condition (when there is one) is True and the summary (when there
 * is one) means it. Both must agree: the PM's summary accounts for a spec the CRM has not
 * reconciled yet (PROGRESSING) while Available may still be True for the previous one, and
 * an Available=False outranks a RUNNING summary.
 */
export function isAvailable(view: StatusView): boolean {
  const available = view.conditions.find((c) => c.type === "Available");
  if (available && available.status !== "True") return false;
  if (view.phase === undefined) return available !== undefined;
  return ["AVAILABLE", "RUNNING", "READY"].includes(view.phase.toUpperCase());
}

/**
 * A state waiting will not leave by itself: FAILED (never deployed there) or DOWN. The
 * CRM's summarized ERROR is not here: a reconcile error may be retried.
 */
export function isFailed(view: StatusView): boolean {
  return ["FAILED", "DOWN"].includes((view.phase ?? "").toUpperCase());
}

/** A view whose spec the CRM has not reconciled yet (packages/crd conditions.ts says "... not reconciled yet ..."). */
export function notReconciled(v: StatusView): boolean {
  return v.message?.includes("not reconciled yet") === true;
}

/**
 * A spec not reconciled yet is often a CRM with no reconciler or watcher running: each
 * such view gets its cluster's status and reason (its CRM's message, else the probe's
 * error) when that cluster is not HEALTHY. Pure.
 */
export function withClusterHealth(
  views: readonly StatusView[],
  clusters: readonly Pick<ClusterInfo, "name" | "health">[],
): StatusView[] {
  return views.map((v) => {
    const health = clusters.find((c) => c.name === v.cluster)?.health;
    if (!notReconciled(v) || !health || health.status === "HEALTHY") return v;
    const why = health.message ?? health.error;
    return { ...v, clusterHealth: why ? `${health.status}: ${why}` : health.status };
  });
}
