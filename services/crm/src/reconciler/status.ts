// Pure: the status the reconciler writes, from what it observed. Conditions first
// (Available / Progressing / Degraded, each with a reason and a message a person can act
// on), then phase/reason/message derived from them (statusSummary), never stored alone.
import {
  setCondition,
  statusSummary,
  type Condition,
  type ConditionUpdate,
  type DeploymentRecordStatus,
  type FunctionStatus,
  type ResourceRef,
  type TemplateSelection,
} from "@oaas/crd";
import { canonicalJson } from "./compare.ts";
import type { DriftReport } from "./drift.ts";
import { driftRepairAnnotation, maxRepairTries } from "./drift-marker.ts";
import type { WorkloadHealth } from "../children/workload-health.ts";

/** One workload of the record: a function (by key) or the ODGM addon. */
export interface Component {
  /** Function key, or "odgm". */
  name: string;
  function: boolean;
  health: WorkloadHealth;
  url?: string;
}

export type Observation =
  | {
      kind: "observed";
      components: Component[];
      refs: ResourceRef[];
      selection: TemplateSelection;
      /** From render: things asked for but not rendered (e.g. addon odgm with the feature off). */
      notes: string[];
      /** Children whose hand edits came back after every repair (Degraded DriftNotRepaired). */
      notRepaired?: readonly DriftReport[];
    }
  | { kind: "failed"; reason: string; message: string };

/** The status fields this worker owns (server-side apply: it writes exactly these). */
export type ReconcilerStatus = Pick<
  DeploymentRecordStatus,
  | "observedGeneration"
  | "phase"
  | "reason"
  | "message"
  | "conditions"
  | "resource_refs"
  | "functions"
  | "selected_template"
  | "template_selection"
>;

const ownedConditions = new Set(["Available", "Progressing", "Degraded"]);

export function nextStatus(
  previous: DeploymentRecordStatus | undefined,
  observation: Observation,
  generation: number,
  now: Date,
): ReconcilerStatus {
  let conditions: Condition[] = (previous?.conditions ?? []).filter((c) => ownedConditions.has(c.type));
  const set = (update: Omit<ConditionUpdate, "observedGeneration">) =>
    (conditions = setCondition(conditions, { ...update, observedGeneration: generation }, now));
  const kept: Partial<ReconcilerStatus> = {};

  if (observation.kind === "failed") {
    const { reason, message } = observation;
    set({ type: "Degraded", status: "True", reason, message });
    set({ type: "Progressing", status: "False", reason, message: "the rollout stopped: " + message });
    // The children are left running: Available stays what it was (re-observed now).
    const available = conditions.find((c) => c.type === "Available");
    if (available)
      set({
        type: "Available",
        status: available.status,
        reason: available.reason,
        message: available.message,
      });
    else set({ type: "Available", status: "False", reason, message: "nothing runs yet: " + message });
    for (const field of ["resource_refs", "functions", "selected_template", "template_selection"] as const)
      if (previous?.[field] !== undefined) Object.assign(kept, { [field]: previous[field] });
  } else {
    for (const update of workloadConditions(
      observation.components,
      observation.notes,
      observation.notRepaired ?? [],
    ))
      set(update);
    Object.assign(kept, {
      resource_refs: observation.refs,
      functions: observation.components.filter((c) => c.function).map(functionStatus),
      selected_template: observation.selection.name,
      template_selection: observation.selection,
    });
  }
  const summary = statusSummary(conditions, { generation });
  return { observedGeneration: generation, ...summary, conditions, ...kept };
}

/** Condition reason while a child's drift is not put back (drift-marker.ts gave up). */
export const driftNotRepairedReason = "DriftNotRepaired";

/** What a person reads about a drift the CRM stopped repairing, and what to do. */
function describeDrift(d: DriftReport): string {
  const by = d.writers.length > 0 ? ` (written by ${d.writers.join(", ")})` : "";
  return (
    `${d.object}: ${d.paths.join(", ")} came back after ${maxRepairTries} repairs${by}, so the CRM stopped putting it back. ` +
    `Stop that writer or make the change in the deployment's spec; then take the field out by hand, or delete the ` +
    `annotation ${driftRepairAnnotation} from ${d.object} and the CRM puts it back`
  );
}

/**
 * Available only when every workload is; Degraded with the first stuck one's own reason,
 * else DriftNotRepaired when a child's hand edit keeps coming back.
 */
function workloadConditions(
  components: readonly Component[],
  notes: readonly string[],
  notRepaired: readonly DriftReport[],
): Omit<ConditionUpdate, "observedGeneration">[] {
  const describe = (c: Component) => `${c.function ? `function ${c.name}` : c.name}: ${c.health.message}`;
  const degraded = components.filter((c) => c.health.state === "degraded");
  const progressing = components.filter((c) => c.health.state === "progressing");
  const waiting = [...degraded, ...progressing];
  const noteText = notes.length > 0 ? ` (note: ${notes.join("; ")})` : "";
  const first = waiting[0];
  const available: Omit<ConditionUpdate, "observedGeneration"> =
    first === undefined
      ? {
          type: "Available",
          status: "True",
          reason: "AllComponentsAvailable",
          message: `${components.length} workload(s) available${noteText}`,
        }
      : {
          type: "Available",
          status: "False",
          reason: first.health.reason,
          message: `${waiting.length} of ${components.length} workload(s) not available; ${waiting.map(describe).join("; ")}`,
        };
  const stuck = degraded[0];
  const problems = [...degraded.map(describe), ...notRepaired.map(describeDrift)];
  const degradedCondition: Omit<ConditionUpdate, "observedGeneration"> =
    problems.length > 0
      ? {
          type: "Degraded",
          status: "True",
          reason: stuck?.health.reason ?? driftNotRepairedReason,
          message: problems.join("; "),
        }
      : {
          type: "Degraded",
          status: "False",
          reason: "AsExpected",
          message: `no workload is failing${noteText}`,
        };
  const rolling = progressing[0];
  const progressingCondition: Omit<ConditionUpdate, "observedGeneration"> = rolling
    ? {
        type: "Progressing",
        status: "True",
        reason: rolling.health.reason,
        message: progressing.map(describe).join("; "),
      }
    : stuck
      ? {
          type: "Progressing",
          status: "False",
          reason: stuck.health.reason,
          message: "the rollout cannot finish: " + describe(stuck),
        }
      : {
          type: "Progressing",
          status: "False",
          reason: "RolloutComplete",
          message: "every workload runs the current spec",
        };
  return [available, progressingCondition, degradedCondition];
}

function functionStatus(c: Component): FunctionStatus {
  return {
    function_key: c.name,
    ready: c.health.state === "available",
    reason: c.health.reason,
    message: c.health.message,
    ...(c.url === undefined ? {} : { url: c.url }),
  };
}

/**
 * True when writing `next` would change nothing the reconciler owns. lastTransitionTime
 * is already kept by setCondition when a condition's status did not change.
 */
export function sameStatus(live: DeploymentRecordStatus | undefined, next: ReconcilerStatus): boolean {
  const project = (s: DeploymentRecordStatus | undefined) => ({
    observedGeneration: s?.observedGeneration,
    phase: s?.phase,
    reason: s?.reason,
    message: s?.message,
    conditions: (s?.conditions ?? [])
      .filter((c) => ownedConditions.has(c.type))
      .sort((a, b) => a.type.localeCompare(b.type)),
    resource_refs: s?.resource_refs,
    functions: s?.functions,
    selected_template: s?.selected_template,
    template_selection: s?.template_selection,
  });
  return canonicalJson(project(live)) === canonicalJson(project(next));
}
