// Settling a stored deployment from what its clusters report (pure): what a FAILED or
// UNKNOWN mapping becomes after the cluster was asked or the unit sent again, whether the
// verdict changes anything, and the write that stores it. conditionFromClusters
// (condition.ts) is the condition rule; the PM's settle actor
// (services/pm/src/services/settle.ts) asks the clusters and stores what these decide.
import type { ClusterObservation, ConditionVerdict } from "./condition.ts";
import { unknownOutcomeMessage, type ClusterMapping, type DeployAnswer } from "./mapping.ts";
import type { DeploymentCondition, OClassDeployment } from "./types.ts";

/**
 * The SummarizedStatus name a GetDeploymentStatus message starts with (RUNNING,
 * PROGRESSING, DEGRADED, ERROR...), SUMMARY_UNKNOWN when it starts with none.
 */
export function summaryName(message: string | undefined): string {
  return /^[A-Z_]+/.exec(message ?? "")?.[0] ?? "SUMMARY_UNKNOWN";
}

/** While a dispatch runs (PENDING) or after a delete (DELETED) settle only looks: it never sends. */
export function mayResend(condition: DeploymentCondition): boolean {
  return condition !== "PENDING" && condition !== "DELETED";
}

/**
 * A FAILED mapping (refused as far as the PM knows) after its cluster was asked anyway:
 * a cluster that runs the record (whatever put it there) makes it DEPLOYED, so "not
 * deployed" is never said of a running workload; else it is observed NOT_DEPLOYED with
 * the refusal. Only when the deployment may be sent (mayResend) does it move.
 */
export function failedAfterRead(
  m: ClusterMapping,
  read: ClusterObservation,
  resendable: boolean,
  stamp: string,
): { observation: ClusterObservation; mapping?: ClusterMapping } {
  if (read.kind === "summary" && resendable) {
    return {
      observation: read,
      mapping: { cluster: m.cluster, unit_id: m.unit_id, state: "DEPLOYED", updated_at: stamp },
    };
  }
  return { observation: { kind: "NOT_DEPLOYED", ...(m.message ? { message: m.message } : {}) } };
}

/**
 * What sending an UNKNOWN unit again led to: the cluster is no longer a target or not
 * configured; a redeploy stored meanwhile superseded the spec (nothing was sent); or the
 * cluster's answer.
 */
export type Resend =
  | { readonly kind: "not-target" }
  | { readonly kind: "superseded" }
  | { readonly kind: "answered"; readonly answer: DeployAnswer; readonly error?: string };

/**
 * The mapping an UNKNOWN unit moves to after it was sent again: accepted -> DEPLOYED;
 * refused (or no longer a target) -> FAILED with the reason; unknown -> still UNKNOWN
 * with the new reason (same updated_at: nothing was learned); superseded -> unchanged.
 */
export function resentMapping(m: ClusterMapping, resend: Resend, stamp: string): ClusterMapping {
  switch (resend.kind) {
    case "superseded":
      return m;
    case "not-target":
      return {
        ...m,
        state: "FAILED",
        message: `cluster "${m.cluster}" is no longer a target or not configured`,
        updated_at: stamp,
      };
    case "answered": {
      const error = resend.error ?? "";
      if (resend.answer === "accepted")
        return { cluster: m.cluster, unit_id: m.unit_id, state: "DEPLOYED", updated_at: stamp };
      if (resend.answer === "unknown") return { ...m, message: unknownOutcomeMessage(error) };
      return { ...m, state: "FAILED", message: error, updated_at: stamp };
    }
  }
}

/**
 * The observation of a unit sent again that did not end DEPLOYED: FAILED is
 * NOT_DEPLOYED with the reason; UNKNOWN counts as unreachable (it changes nothing).
 */
export function resentObservation(resent: ClusterMapping): ClusterObservation {
  return resent.state === "FAILED"
    ? { kind: "NOT_DEPLOYED", ...(resent.message ? { message: resent.message } : {}) }
    : { kind: "UNREACHABLE", error: resent.message ?? "no answer" };
}

/** What one settle judged, from the deployment and mappings it read. */
export interface SettleJudgement {
  /** The deployment as read. */
  readonly deployment: OClassDeployment;
  /** Its mappings as read. */
  readonly mappings: readonly ClusterMapping[];
  /** The mappings that moved (one per cluster at most). */
  readonly moved: readonly ClusterMapping[];
  readonly verdict: ConditionVerdict;
}

/** True when the judgement changes what is stored: a mapping moved, the condition or the reason. */
export function settleChanges(j: SettleJudgement): boolean {
  const { deployment, verdict } = j;
  return (
    j.moved.length > 0 ||
    verdict.condition !== deployment.condition ||
    (verdict.lastError !== undefined && verdict.lastError !== deployment.last_error)
  );
}

/**
 * The write of a judgement over what is stored now (`current`, `currentMappings`), or
 * undefined to leave it: only a deployment still at the condition and generation it was
 * judged from is written, so a redeploy or delete meanwhile wins; and only mappings still
 * in the state (and updated_at) they were judged from move. The condition and last_error
 * are the verdict's; updated_at is `stamp`.
 */
export function settledWrite(
  j: SettleJudgement,
  current: OClassDeployment,
  currentMappings: readonly ClusterMapping[],
  stamp: string,
): { deployment: OClassDeployment; mappings: ClusterMapping[] } | undefined {
  const { deployment, verdict } = j;
  if (current.condition !== deployment.condition || current.generation !== deployment.generation)
    return undefined;
  const next: OClassDeployment = { ...current };
  delete next.last_error;
  return {
    deployment: {
      ...next,
      condition: verdict.condition,
      ...(verdict.lastError !== undefined ? { last_error: verdict.lastError } : {}),
      updated_at: stamp,
    },
    mappings: currentMappings.map((m) => {
      const to = j.moved.find((x) => x.cluster === m.cluster);
      const from = j.mappings.find((o) => o.cluster === m.cluster);
      return to && from && from.state === m.state && from.updated_at === m.updated_at ? to : m;
    }),
  };
}
