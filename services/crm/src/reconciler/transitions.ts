// What a reconcile tells people: history entries and Events, only for things that
// happened (children applied, repaired or pruned; a condition that changed). A converged
// record's reconcile changes nothing, so it writes neither. Event types follow one rule
// (event-type.ts): the Journal decides them, no caller names one.
import { findCondition, type Condition, type DeploymentRecordStatus } from "@oaas/crd";
import type { HistoryEntry, HistoryType } from "@oaas/queue";
import type { Logger } from "@oaas/telemetry";
import type { ReconcileOutcome } from "./reconcile.ts";
import type { DriftReport } from "./drift.ts";
import type { ReconcilerStatus } from "./status.ts";

/** Where a reconcile reports to: the record's history and Events regarding the record. */
export interface Journal {
  history(
    type: HistoryType,
    message: string,
    extra?: Pick<HistoryEntry, "reason" | "objects">,
  ): Promise<void>;
  /** An Event regarding the record; its type is eventType(reason, conditions). */
  event(reason: string, action: string, note: string, conditions?: readonly Condition[]): Promise<void>;
}

export async function transitions(
  journal: Journal,
  before: DeploymentRecordStatus | undefined,
  after: ReconcilerStatus,
  outcome: ReconcileOutcome | undefined,
  generation: number,
  log: Logger,
): Promise<void> {
  if (outcome) {
    const selection = outcome.observation.selection;
    if (before?.observedGeneration !== generation) {
      const runnerUp = selection.runner_up
        ? `, runner-up ${selection.runner_up.name} (${selection.runner_up.score})`
        : "";
      await journal.history(
        "rendered",
        `generation ${generation} rendered with template ${selection.name} (score ${selection.score}${runnerUp}): ${selection.reason}`,
      );
    }
    if (outcome.changed.length > 0) {
      log.info("children applied", { objects: outcome.changed });
      await journal.history(
        "applied",
        `applied ${outcome.changed.length} object(s) for generation ${generation}`,
        {
          objects: outcome.changed,
        },
      );
      await journal.event("Applied", "Apply", `applied ${outcome.changed.join(", ")}`, after.conditions);
    }
    if (outcome.repaired.length > 0) {
      const what = outcome.repaired.map(describeRepair).join("; ");
      const fields = outcome.repaired.reduce((n, r) => n + r.paths.length, 0);
      log.warn("hand-edited children put back", {
        objects: outcome.repaired.map((r) => r.object),
        drift: what,
      });
      await journal.history("drift-repaired", `put back ${fields} hand-edited field(s): ${what}`, {
        objects: outcome.repaired.map((r) => r.object),
      });
      await journal.event("DriftRepaired", "Apply", `put back ${what}`, after.conditions);
    }
    if (outcome.pruned.length > 0) {
      log.info("children pruned", { objects: outcome.pruned });
      await journal.history("pruned", `deleted ${outcome.pruned.length} object(s) no longer desired`, {
        objects: outcome.pruned,
      });
      await journal.event("Pruned", "Delete", `deleted ${outcome.pruned.join(", ")}`, after.conditions);
    }
  }
  const wasDegraded = findCondition(before?.conditions, "Degraded");
  const degraded = findCondition(after.conditions, "Degraded");
  if (
    degraded?.status === "True" &&
    (wasDegraded?.status !== "True" || wasDegraded.reason !== degraded.reason)
  ) {
    log.warn("degraded", { status_reason: degraded.reason, message: degraded.message });
    await journal.history("failed", degraded.message, { reason: degraded.reason });
    await journal.event(degraded.reason, "Reconcile", degraded.message, after.conditions);
  }
  const wasAvailable = findCondition(before?.conditions, "Available")?.status === "True";
  const available = findCondition(after.conditions, "Available");
  if (available?.status === "True" && !wasAvailable) {
    await journal.event("Available", "Reconcile", available.message, after.conditions);
  } else if (available?.status !== "True" && wasAvailable) {
    await journal.event("Unavailable", "Reconcile", available?.message ?? "", after.conditions);
  }
}

/** "Deployment/x: spec...env[HACK2] (written by kubectl-set)". */
function describeRepair(r: DriftReport): string {
  const by = r.writers.length > 0 ? ` (written by ${r.writers.join(", ")})` : "";
  return `${r.object}: ${r.paths.join(", ")}${by}`;
}
