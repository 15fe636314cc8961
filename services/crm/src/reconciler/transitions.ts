// What a reconcile tells people: history entries and Events, only for things that
// happened (children applied, repaired or pruned; a condition that changed). A converged
// record's reconcile changes nothing, so it writes neither.
import { findCondition, type DeploymentRecordStatus } from "@oaas/crd";
import type { HistoryEntry, HistoryType } from "@oaas/queue";
import type { Logger } from "@oaas/telemetry";
import type { ReconcileOutcome } from "./reconcile.ts";
import type { ReconcilerStatus } from "./status.ts";

/** Where a reconcile reports to: the record's history and Events regarding the record. */
export interface Journal {
  history(
    type: HistoryType,
    message: string,
    extra?: Pick<HistoryEntry, "reason" | "objects">,
  ): Promise<void>;
  event(type: "Normal" | "Warning", reason: string, action: string, note: string): Promise<void>;
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
      await journal.event("Normal", "Applied", "Apply", `applied ${outcome.changed.join(", ")}`);
    }
    if (outcome.repaired.length > 0) {
      log.warn("hand-edited children put back", { objects: outcome.repaired });
      await journal.history("drift-repaired", `put back ${outcome.repaired.length} hand-edited object(s)`, {
        objects: outcome.repaired,
      });
      await journal.event(
        "Warning",
        "DriftRepaired",
        "Apply",
        `put back hand-edited ${outcome.repaired.join(", ")}`,
      );
    }
    if (outcome.pruned.length > 0) {
      log.info("children pruned", { objects: outcome.pruned });
      await journal.history("pruned", `deleted ${outcome.pruned.length} object(s) no longer desired`, {
        objects: outcome.pruned,
      });
      await journal.event("Normal", "Pruned", "Delete", `deleted ${outcome.pruned.join(", ")}`);
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
    await journal.event("Warning", degraded.reason, "Reconcile", degraded.message);
  }
  const wasAvailable = findCondition(before?.conditions, "Available")?.status === "True";
  const available = findCondition(after.conditions, "Available");
  if (available?.status === "True" && !wasAvailable) {
    await journal.event("Normal", "Available", "Reconcile", available.message);
  } else if (available?.status !== "True" && wasAvailable) {
    await journal.event("Warning", "Unavailable", "Reconcile", available?.message ?? "");
  }
}
