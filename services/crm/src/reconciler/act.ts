// Act: the one place a reconcile run's writes happen, each decided by the plan (plan.ts,
// plan-child.ts, plan-finalize.ts) and sent through the io (io.ts). A repair is the one
// loop: write, then ask the pure repairStep what the API server's answer means. Also
// where the reports of a run are told (history, Events, log lines).
import type { Condition } from "@oaas/crd";
import type { HistoryEntry, HistoryType } from "@oaas/queue";
import type { Logger } from "@oaas/telemetry";
import type { JsonPatchOperation } from "@oaas/kube";
import { childKey, displayName } from "./children.ts";
import type { LiveObject } from "./compare.ts";
import type { DriftReport } from "./drift.ts";
import type { ReconcilerIo } from "./io.ts";
import type { ActOutcome } from "./observe.ts";
import { repairOperations, repairStep, updateOperations, type ChildStep } from "./plan-child.ts";
import type { ChildrenPlan, PlanOptions } from "./plan.ts";
import type { Report } from "./transitions.ts";

type ChildResult =
  | { kind: "none" | "changed"; live: LiveObject }
  | { kind: "repaired" | "notRepaired"; live: LiveObject; report: DriftReport };

/**
 * Performs a children plan: every step at once, then the prunes (uid preconditions).
 * Returns the live children after it and what was changed, repaired and pruned.
 */
export async function actOnChildren(
  io: ReconcilerIo,
  plan: ChildrenPlan,
  options: PlanOptions,
): Promise<ActOutcome> {
  const results = await Promise.all(plan.steps.map((step) => actOnChild(io, step, options)));
  const outcome: ActOutcome = { live: new Map(), changed: [], repaired: [], notRepaired: [], pruned: [] };
  for (const [i, result] of results.entries()) {
    const step = plan.steps[i];
    if (step === undefined) continue;
    outcome.live.set(childKey(step.object), result.live);
    if (result.kind === "changed") outcome.changed.push(displayName(step.object));
    else if (result.kind === "repaired") outcome.repaired.push(result.report);
    else if (result.kind === "notRepaired") outcome.notRepaired.push(result.report);
  }
  await deleteChildren(io, plan.prune);
  outcome.pruned = plan.prune.map(displayName);
  return outcome;
}

/** Deletes every child in `children` at once (uid precondition, background propagation). */
export async function deleteChildren(io: ReconcilerIo, children: readonly LiveObject[]): Promise<void> {
  await Promise.all(children.map((child) => io.deleteChild(child)));
}

async function actOnChild(io: ReconcilerIo, step: ChildStep, options: PlanOptions): Promise<ChildResult> {
  switch (step.kind) {
    case "create":
      return { kind: "changed", live: await io.applyChild(step.object) };
    case "keep":
      return { kind: "none", live: step.live };
    case "forget-marker":
      return { kind: "none", live: await patch(io, step.live, step.operations) };
    case "update": {
      if (step.handover !== undefined) await io.handOverReplicas(step.handover);
      const applied = await io.applyChild(step.object);
      return { kind: "changed", live: await patch(io, applied, updateOperations(step.object, applied)) };
    }
    case "repair":
      if (step.handover !== undefined) await io.handOverReplicas(step.handover);
      return repair(io, step, options);
  }
}

async function repair(
  io: ReconcilerIo,
  step: Extract<ChildStep, { kind: "repair" }>,
  options: PlanOptions,
): Promise<ChildResult> {
  let current = step.live;
  let next = step.first;
  for (let attempt = 1; ;) {
    switch (next.act) {
      case "held":
        return { kind: "repaired", live: current, report: step.found };
      case "hold-off":
        return { kind: "notRepaired", live: current, report: next.left };
      case "give-up":
        return { kind: "notRepaired", live: await patch(io, current, next.operations), report: next.left };
      case "write": {
        const marker = next.marker;
        if (next.apply) current = await io.applyChild(step.object);
        current = await patch(io, current, repairOperations(step.object, current, marker));
        attempt++;
        next = repairStep(step.object, current, marker, attempt, options.fieldManager, options.now);
      }
    }
  }
}

/** A JSON patch, or none at all when there is nothing to change. */
function patch(io: ReconcilerIo, live: LiveObject, operations: JsonPatchOperation[]): Promise<LiveObject> {
  return operations.length === 0 ? Promise.resolve(live) : io.patchChild(live, operations);
}

/** Where a run tells what happened: the record's history and Events regarding the record. */
export interface Journal {
  history(
    type: HistoryType,
    message: string,
    extra?: Pick<HistoryEntry, "reason" | "objects">,
  ): Promise<void>;
  /** An Event regarding the record; its type is eventType(reason, conditions). */
  event(reason: string, action: string, note: string, conditions?: readonly Condition[]): Promise<void>;
}

/** Tells each report in order: its log line, then its history entry, then its Event. */
export async function tell(journal: Journal, reports: readonly Report[], log: Logger): Promise<void> {
  for (const report of reports) {
    if (report.log) log[report.log.level](report.log.message, report.log.fields);
    if (report.history)
      await journal.history(report.history.type, report.history.message, report.history.extra);
    if (report.event)
      await journal.event(
        report.event.reason,
        report.event.action,
        report.event.note,
        report.event.conditions,
      );
  }
}
