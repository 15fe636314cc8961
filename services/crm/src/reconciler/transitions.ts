// Pure: what a reconcile tells people, as Reports (a log line, a history entry, an Event
// regarding the record), only for things that happened: children applied, repaired or
// pruned; a condition that changed. A converged record's reconcile changes nothing, so
// it tells nothing, and each transition is told once. Event types follow one rule
// (event-type.ts): the Journal decides them, no report names one.
import { findCondition, type Condition, type DeploymentRecordStatus } from "@oaas/crd";
import type { HistoryEntry, HistoryType } from "@oaas/queue";
import type { DriftReport } from "./drift.ts";
import type { ReconcileOutcome } from "./observe.ts";
import type { ReconcilerStatus } from "./status.ts";

/** One thing to tell, written in this order by act.ts tell(): log line, history entry, Event. */
export interface Report {
  log?: { level: "info" | "warn"; message: string; fields: Record<string, unknown> };
  history?: { type: HistoryType; message: string; extra?: Pick<HistoryEntry, "reason" | "objects"> };
  /** An Event regarding the record; `conditions`: the record's conditions after the run. */
  event?: { reason: string; action: string; note: string; conditions?: readonly Condition[] };
}

/**
 * The reports of one reconcile: from the status before and after the run, and its outcome
 * (undefined when the run failed before acting).
 */
export function transitionReports(
  before: DeploymentRecordStatus | undefined,
  after: ReconcilerStatus,
  outcome: ReconcileOutcome | undefined,
  generation: number,
): Report[] {
  const reports: Report[] = outcome ? outcomeReports(before, after, outcome, generation) : [];
  const wasDegraded = findCondition(before?.conditions, "Degraded");
  const degraded = findCondition(after.conditions, "Degraded");
  if (
    degraded?.status === "True" &&
    (wasDegraded?.status !== "True" || wasDegraded.reason !== degraded.reason)
  ) {
    reports.push({
      log: {
        level: "warn",
        message: "degraded",
        fields: { status_reason: degraded.reason, message: degraded.message },
      },
      history: { type: "failed", message: degraded.message, extra: { reason: degraded.reason } },
      event: {
        reason: degraded.reason,
        action: "Reconcile",
        note: degraded.message,
        conditions: after.conditions,
      },
    });
  }
  const wasAvailable = findCondition(before?.conditions, "Available")?.status === "True";
  const available = findCondition(after.conditions, "Available");
  if (available?.status === "True" && !wasAvailable) {
    reports.push({
      event: {
        reason: "Available",
        action: "Reconcile",
        note: available.message,
        conditions: after.conditions,
      },
    });
  } else if (available?.status !== "True" && wasAvailable) {
    reports.push({
      event: {
        reason: "Unavailable",
        action: "Reconcile",
        note: available?.message ?? "",
        conditions: after.conditions,
      },
    });
  }
  return reports;
}

function outcomeReports(
  before: DeploymentRecordStatus | undefined,
  after: ReconcilerStatus,
  outcome: ReconcileOutcome,
  generation: number,
): Report[] {
  const reports: Report[] = [];
  const conditions = after.conditions;
  const selection = outcome.observation.selection;
  if (before?.observedGeneration !== generation) {
    const runnerUp = selection.runner_up
      ? `, runner-up ${selection.runner_up.name} (${selection.runner_up.score})`
      : "";
    reports.push({
      history: {
        type: "rendered",
        message: `generation ${generation} rendered with template ${selection.name} (score ${selection.score}${runnerUp}): ${selection.reason}`,
      },
    });
  }
  if (outcome.changed.length > 0) {
    reports.push({
      log: { level: "info", message: "children applied", fields: { objects: outcome.changed } },
      history: {
        type: "applied",
        message: `applied ${outcome.changed.length} object(s) for generation ${generation}`,
        extra: { objects: outcome.changed },
      },
      event: {
        reason: "Applied",
        action: "Apply",
        note: `applied ${outcome.changed.join(", ")}`,
        conditions,
      },
    });
  }
  if (outcome.repaired.length > 0) {
    const what = outcome.repaired.map(describeRepair).join("; ");
    const fields = outcome.repaired.reduce((n, r) => n + r.paths.length, 0);
    const objects = outcome.repaired.map((r) => r.object);
    reports.push({
      log: { level: "warn", message: "hand-edited children put back", fields: { objects, drift: what } },
      history: {
        type: "drift-repaired",
        message: `put back ${fields} hand-edited field(s): ${what}`,
        extra: { objects },
      },
      event: { reason: "DriftRepaired", action: "Apply", note: `put back ${what}`, conditions },
    });
  }
  if (outcome.pruned.length > 0) {
    reports.push({
      log: { level: "info", message: "children pruned", fields: { objects: outcome.pruned } },
      history: {
        type: "pruned",
        message: `deleted ${outcome.pruned.length} object(s) no longer desired`,
        extra: { objects: outcome.pruned },
      },
      event: { reason: "Pruned", action: "Delete", note: `deleted ${outcome.pruned.join(", ")}`, conditions },
    });
  }
  return reports;
}

/** "Deployment/x: spec...env[HACK2] (written by kubectl-set)". */
function describeRepair(r: DriftReport): string {
  const by = r.writers.length > 0 ? ` (written by ${r.writers.join(", ")})` : "";
  return `${r.object}: ${r.paths.join(", ")}${by}`;
}
