// The PM's deployment condition from what its clusters report. Pure: the PM's status
// read and its background refresher both call it, so the stored condition follows the
// clusters whoever looks (one rule, one place).
import type { DeploymentCondition } from "./types.ts";

/**
 * One cluster's view of a deployment, as the PM sees it:
 * - `summary`: the CRM's SummarizedStatus name read off GetDeploymentStatus
 *   (RUNNING, PROGRESSING, DEGRADED, ERROR, SUMMARY_UNKNOWN);
 * - "NOT_FOUND": the CRM answered that it has no such record;
 * - "UNREACHABLE": no answer (network, deadline, CRM down);
 * - "NOT_DEPLOYED": the cluster refused the unit (its mapping is FAILED).
 */
export type ClusterObservation =
  | { readonly kind: "summary"; readonly summary: string; readonly message?: string }
  | { readonly kind: "NOT_FOUND" }
  | { readonly kind: "UNREACHABLE"; readonly error: string }
  | { readonly kind: "NOT_DEPLOYED"; readonly message?: string };

/** The condition to store, and the error to record with it (DOWN only). */
export interface ConditionVerdict {
  readonly condition: DeploymentCondition;
  readonly lastError?: string;
}

/**
 * Decides the stored condition of a dispatched deployment from its clusters, keyed by
 * cluster name. Rules, in order:
 * - PENDING (not dispatched yet) and DELETED are never changed by observations; UNKNOWN
 *   (a dispatch whose outcome was not known) is settled by them like any other;
 * - no clusters, or any cluster UNREACHABLE: unchanged, so a network blip never flips a
 *   RUNNING deployment (the per-cluster answer still shows the error);
 * - any cluster ERROR (a terminal failure on the CRM: invalid spec, name conflict),
 *   NOT_FOUND (the record is gone there) or NOT_DEPLOYED: DOWN, with the reasons;
 * - every cluster RUNNING: RUNNING;
 * - otherwise (progressing, degraded, nothing observed yet): DEPLOYING.
 */
export function conditionFromClusters(
  current: DeploymentCondition,
  clusters: ReadonlyMap<string, ClusterObservation>,
): ConditionVerdict {
  if (current === "PENDING" || current === "DELETED") return { condition: current };
  const observed = [...clusters.entries()];
  if (observed.length === 0 || observed.some(([, o]) => o.kind === "UNREACHABLE")) {
    return { condition: current };
  }
  const failures = observed.flatMap(([cluster, o]) => {
    if (o.kind === "NOT_FOUND") return [`${cluster}: the record is missing on the cluster`];
    if (o.kind === "NOT_DEPLOYED") return [`${cluster}: not deployed${o.message ? ` (${o.message})` : ""}`];
    if (o.kind === "summary" && o.summary === "ERROR") return [`${cluster}: ${o.message ?? "ERROR"}`];
    return [];
  });
  if (failures.length > 0) return { condition: "DOWN", lastError: failures.join("; ") };
  const running = observed.every(([, o]) => o.kind === "summary" && o.summary === "RUNNING");
  return { condition: running ? "RUNNING" : "DEPLOYING" };
}
