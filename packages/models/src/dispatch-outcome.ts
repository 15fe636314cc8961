// What the clusters' answers to a dispatch mean (pure): what to roll back under the
// rollback policy, then the condition and mappings to store and what to tell the client.
// The PM's dispatch actor (services/pm/src/services/dispatch.ts) sends the units,
// classes each answer (accepted / refused / unknown: crm/errors.ts deployOutcome), asks
// rollbackTargets, deletes those, and stores dispatchVerdict's answer.
import {
  unknownOutcomeMessage,
  type ClusterDeployAnswer,
  type ClusterMapping,
  type MappingState,
} from "./mapping.ts";
import type { DeploymentCondition, OClassDeployment } from "./types.ts";

/**
 * What the PM does with the clusters that took a unit when another refused it:
 * `rollbackOnPartial` deletes them again (the deployment is DOWN everywhere); without
 * it they keep running and the deployment is DEPLOYING with the refusal as last_error.
 */
export interface RollbackPolicy {
  readonly rollbackOnPartial: boolean;
}

/**
 * The clusters to delete the unit from again, in dispatch order: those that accepted it,
 * when at least one refused it and the policy rolls back partial failures; else none.
 * An unknown outcome is never rolled back (it may not be there; the resync settles it),
 * nor is it a refusal.
 */
export function rollbackTargets(
  answers: readonly ClusterDeployAnswer[],
  policy: RollbackPolicy,
): ClusterDeployAnswer[] {
  const refused = answers.some((a) => a.answer === "refused");
  const accepted = answers.filter((a) => a.answer === "accepted");
  return refused && accepted.length > 0 && policy.rollbackOnPartial ? accepted : [];
}

/** What one cluster did with this request's unit, as the client is told. */
export interface DispatchedUnit {
  readonly cluster: string;
  readonly unit_id: string;
  readonly state: MappingState;
  readonly message?: string;
}

/** What dispatchVerdict looks at. */
export interface DispatchAnswers {
  /** The deployment key (named in the failure message). */
  readonly key: string;
  /** Each target cluster's answer, in dispatch order. */
  readonly answers: readonly ClusterDeployAnswer[];
  /** Clusters that confirmed an earlier dispatch of this key (admitDispatch). */
  readonly confirmed: readonly string[];
  /** Clusters where the rollback's delete worked. */
  readonly rolledBack: readonly string[];
  /** RFC 3339 time of the mappings. */
  readonly stamp: string;
}

/** The dispatch's result: what to store and what to answer. */
export interface DispatchVerdict {
  /**
   * DOWN when a cluster refused it and none took it (or those that did were rolled
   * back); else UNKNOWN when a call broke after sending; else DEPLOYING.
   */
  readonly condition: Extract<DeploymentCondition, "DOWN" | "UNKNOWN" | "DEPLOYING">;
  /** The refusals joined, when any cluster refused. */
  readonly lastError?: string;
  /** The mappings to store (the rolled-back clusters have none). */
  readonly mappings: ClusterMapping[];
  /** What this request did on each cluster not rolled back. */
  readonly units: DispatchedUnit[];
  readonly failedClusters: string[];
  readonly unknownClusters: string[];
  /** When DOWN: the cluster whose refusal the answer carries, and the message. */
  readonly failure?: { readonly cluster: string; readonly message: string };
}

/**
 * The condition, mappings and answer after a dispatch. A cluster's mapping is DEPLOYED
 * when it took the unit, or when it had confirmed an earlier one and refused this one
 * (it keeps running that: marked FAILED, its status was never read again and a delete
 * while it was unreachable skipped it, leaving the workload running with nothing
 * pointing at it); UNKNOWN when the outcome is not known (the resync sends it again);
 * FAILED when it refused and never confirmed one.
 */
export function dispatchVerdict(given: DispatchAnswers): DispatchVerdict {
  const { answers, rolledBack, stamp } = given;
  const confirmed = new Set(given.confirmed);
  const failed = answers.filter((a) => a.answer === "refused");
  const unknown = answers.filter((a) => a.answer === "unknown");
  const accepted = answers.filter((a) => a.answer === "accepted");
  const kept = answers.filter((a) => !rolledBack.includes(a.cluster));
  const lastError = failed.map((f) => f.error ?? "").join("; ");
  const mappings = kept.map((a): ClusterMapping => ({
    cluster: a.cluster,
    unit_id: a.unit_id,
    state: storedState(a, confirmed.has(a.cluster)),
    ...(a.answer !== "accepted" ? { message: storedMessage(a, confirmed.has(a.cluster)) } : {}),
    updated_at: stamp,
  }));
  const down = failed.length > 0 && (accepted.length + unknown.length === 0 || rolledBack.length > 0);
  const condition = down ? "DOWN" : unknown.length > 0 ? "UNKNOWN" : "DEPLOYING";
  const first = failed[0];
  const rolled = rolledBack.length ? ` (rolled back on ${rolledBack.join(", ")})` : "";
  return {
    condition,
    ...(failed.length ? { lastError } : {}),
    mappings,
    units: kept.map((a) => ({
      cluster: a.cluster,
      unit_id: a.unit_id,
      state: a.answer === "accepted" ? "DEPLOYED" : a.answer === "unknown" ? "UNKNOWN" : "FAILED",
      ...(a.answer !== "accepted" ? { message: a.error ?? "" } : {}),
    })),
    failedClusters: failed.map((f) => f.cluster),
    unknownClusters: unknown.map((f) => f.cluster),
    ...(down && first
      ? {
          failure: {
            cluster: first.cluster,
            message: `deployment "${given.key}" failed: ${lastError}${rolled}`,
          },
        }
      : {}),
  };
}

function storedState(a: ClusterDeployAnswer, confirmed: boolean): MappingState {
  if (a.answer === "accepted") return "DEPLOYED";
  if (a.answer === "unknown") return "UNKNOWN";
  return confirmed ? "DEPLOYED" : "FAILED";
}

function storedMessage(a: ClusterDeployAnswer, confirmed: boolean): string {
  const error = a.error ?? "";
  if (a.answer === "unknown") return unknownOutcomeMessage(error);
  return confirmed ? `redeploy failed, the previous spec keeps running: ${error}` : error;
}

/**
 * The stored deployment after a dispatch: the verdict's condition, its last_error (or
 * none), updated_at `stamp`; the spec is as stored (PENDING wrote it).
 */
export function dispatchedDeployment(
  current: OClassDeployment,
  verdict: DispatchVerdict,
  stamp: string,
): OClassDeployment {
  const next: OClassDeployment = { ...current };
  delete next.last_error;
  return {
    ...next,
    condition: verdict.condition,
    ...(verdict.lastError !== undefined ? { last_error: verdict.lastError } : {}),
    updated_at: stamp,
  };
}
