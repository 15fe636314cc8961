// Pure: how one workload child is doing, read from its own status, in words a person can
// act on. Deployments (functions and ODGM) and Knative Services; nothing else has a rollout.
// The reconciler reports it in the record's status; the watcher wakes a reconcile only when
// it changed (watcher/changes.ts).
import type { LiveObject } from "./live-object.ts";

export type HealthState = "available" | "progressing" | "degraded";

export interface WorkloadHealth {
  state: HealthState;
  /** CamelCase condition reason; the child's own reason when it reports one. */
  reason: string;
  message: string;
}

interface KubeCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

const conditionsOf = (live: LiveObject): KubeCondition[] =>
  Array.isArray(live.status?.["conditions"]) ? (live.status["conditions"] as KubeCondition[]) : [];
const numberAt = (record: Record<string, unknown> | undefined, key: string): number | undefined =>
  typeof record?.[key] === "number" ? record[key] : undefined;

/**
 * True when a Deployment exists and its controller has seen its current spec
 * (status.observedGeneration >= metadata.generation): only then do its status and its
 * pods tell about that spec.
 */
export function deploymentObserved(live: LiveObject | undefined): boolean {
  return (
    live !== undefined &&
    (numberAt(live.status, "observedGeneration") ?? 0) >= (live.metadata?.generation ?? 0)
  );
}

/** A Deployment (apps/v1): available when every desired replica is updated and available and no old pod is left. */
export function deploymentHealth(live: LiveObject | undefined, name: string): WorkloadHealth {
  if (live === undefined)
    return { state: "progressing", reason: "Creating", message: `Deployment ${name} is being created` };
  const generation = live.metadata?.generation ?? 0;
  if (!deploymentObserved(live)) {
    return {
      state: "progressing",
      reason: "RolloutStarted",
      message: `Deployment ${name}: the rollout of generation ${generation} has not been picked up yet`,
    };
  }
  const conditions = conditionsOf(live);
  const stuck = conditions.find((c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded");
  if (stuck && stuck.status === "False") {
    return {
      state: "degraded",
      reason: "ProgressDeadlineExceeded",
      message:
        `Deployment ${name} did not finish its rollout within its progress deadline (${stuck.message ?? ""}). ` +
        `Check the image and the pods' events (kubectl describe pods -l app=...), then redeploy with a fixed spec.`,
    };
  }
  const failure = conditions.find((c) => c.type === "ReplicaFailure" && c.status === "True");
  if (failure) {
    return {
      state: "degraded",
      reason: failure.reason ?? "ReplicaFailure",
      message:
        `Deployment ${name} cannot create pods (ReplicaFailure: ${failure.message ?? ""}). ` +
        `Check the namespace's ResourceQuota and LimitRange and any admission webhook, or lower the requests.`,
    };
  }
  const desired = numberAt(live.spec, "replicas") ?? 1;
  const updated = numberAt(live.status, "updatedReplicas") ?? 0;
  const available = numberAt(live.status, "availableReplicas") ?? 0;
  const total = numberAt(live.status, "replicas") ?? 0;
  if (updated >= desired && available >= desired && total <= updated) {
    return { state: "available", reason: "Available", message: `${available}/${desired} replicas available` };
  }
  return {
    state: "progressing",
    reason: "RollingOut",
    message: `Deployment ${name}: ${updated}/${desired} replicas updated, ${available} available, ${total} in total`,
  };
}

/** A Knative Service: its Ready condition, with Knative's own reason (e.g. RevisionFailed). */
export function knativeHealth(live: LiveObject | undefined, name: string): WorkloadHealth {
  if (live === undefined)
    return { state: "progressing", reason: "Creating", message: `Knative Service ${name} is being created` };
  const generation = live.metadata?.generation ?? 0;
  const observed = numberAt(live.status, "observedGeneration") ?? 0;
  const ready = conditionsOf(live).find((c) => c.type === "Ready");
  if (observed < generation || ready === undefined || ready.status === "Unknown") {
    return {
      state: "progressing",
      reason: ready?.reason ?? "RevisionDeploying",
      message: `Knative Service ${name} is rolling out${ready?.message ? `: ${ready.message}` : ""}`,
    };
  }
  if (ready.status === "True") return { state: "available", reason: "Available", message: "ready" };
  return {
    state: "degraded",
    reason: ready.reason ?? "RevisionFailed",
    message:
      `Knative Service ${name} is not ready (${ready.message ?? ""}). ` +
      `Check its latest revision (kubectl describe revisions -l serving.knative.dev/service=${name}) and redeploy with a fixed spec.`,
  };
}
