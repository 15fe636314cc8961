// The one rule for the type of every Event the reconciler emits. Warning is for what
// needs a person (`kubectl get events --field-selector type=Warning` must list only
// things to act on); routine progress is Normal. What needs a person is exactly what
// status.ts reports as Degraded=True: a terminal failure (a bad spec, a name conflict, a
// refusal by the API server), a workload that cannot finish (ProgressDeadlineExceeded,
// a ReplicaFailure such as a quota refusal, a failed Knative revision) or a drift repair
// that did not hold (DriftNotRepaired). A rollout (Available=False while the new
// generation rolls out), children applied or pruned, a hand edit put back for good,
// deletion steps: Normal.
import { findCondition, type Condition } from "@oaas/crd";

export type EventType = "Normal" | "Warning";

/**
 * Warning when the Event tells of the state the record's Degraded condition holds
 * (Degraded=True with this `reason`), Normal otherwise. `conditions`: the record's
 * conditions after the run; none (deletion) means nothing is degraded.
 */
export function eventType(reason: string, conditions?: readonly Condition[]): EventType {
  const degraded = findCondition(conditions, "Degraded");
  return degraded?.status === "True" && degraded.reason === reason ? "Warning" : "Normal";
}
