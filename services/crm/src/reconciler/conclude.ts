// Pure: how a reconcile of a live record ends, from what it observed (or the failure that
// stopped it): the status to write (only when it differs), what to tell (transitions.ts)
// and the queue's result: terminal for a failure that belongs in status, done once every
// workload is available, else a later look: soon when the run read pods (their state
// raises no event), else at the rollout's pace (recheck.ts).
import type { DeploymentRecordStatus } from "@oaas/crd";
import { done, requeueAfter, terminal, type ReconcileResult } from "@oaas/queue";
import type { ReconcileFailure } from "./errors.ts";
import type { ReconcileOutcome } from "./observe.ts";
import { podRecheckMs, progressRecheckMs } from "./recheck.ts";
import { nextStatus, sameStatus, type Observation, type ReconcilerStatus } from "./status.ts";
import { transitionReports, type Report } from "./transitions.ts";

export interface ConcludeInput {
  /** The record's status as read before the run. */
  readonly before: DeploymentRecordStatus | undefined;
  /** The record's metadata.generation. */
  readonly generation: number;
  /** What the run did and saw; undefined when `failure` stopped it before acting. */
  readonly outcome?: ReconcileOutcome;
  /** A terminal failure that belongs in status (errors.ts failureOf). */
  readonly failure?: ReconcileFailure;
  /** The time of the conclusion: lastTransitionTime of changed conditions. */
  readonly now: Date;
  /** Shortest wait in ms before looking at a rollout again (recheck.ts; default its minimum). */
  readonly progressRequeueMs?: number;
  /** Shortest wait in ms before looking again at a record whose run read pods (recheck.ts podRecheckMs; default its minimum). */
  readonly podRequeueMs?: number;
}

export interface Conclusion {
  status: ReconcilerStatus;
  /** False when the status would not change: no write. */
  writeStatus: boolean;
  reports: Report[];
  result: ReconcileResult;
}

export function concludeReconcile(input: ConcludeInput): Conclusion {
  const { before, generation, outcome, failure, now } = input;
  const observation: Observation = outcome
    ? outcome.observation
    : { kind: "failed", reason: failure?.reason ?? "Unknown", message: failure?.message ?? "" };
  const status = nextStatus(before, observation, generation, now);
  const result = failure
    ? terminal(failure, failure.reason)
    : outcome?.converged
      ? done
      : outcome !== undefined && outcome.podsRead > 0
        ? requeueAfter(
            podRecheckMs(status, now, input.podRequeueMs),
            `a workload is not available: ${status.reason ?? ""}`,
          )
        : requeueAfter(
            progressRecheckMs(status, now, input.progressRequeueMs),
            `rollout in progress: ${status.reason ?? ""}`,
          );
  return {
    status,
    writeStatus: !sameStatus(before, status),
    reports: transitionReports(before, status, outcome, generation),
    result,
  };
}
