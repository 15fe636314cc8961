// Condition helpers and the status summary. Pure: the clock is passed in. The phase, the
// Reason column and the summarized status are all derived here from the conditions, so
// they can never disagree with them (nor with each other).
import type { Condition, ConditionType, DeploymentRecordStatus, Phase } from "./status-schema.ts";

/** The wire contract's SummarizedStatus names; the ingress maps the string to the enum. */
export type SummarizedStatus = "RUNNING" | "PROGRESSING" | "DEGRADED" | "ERROR" | "SUMMARY_UNKNOWN";

/** A condition to set: lastTransitionTime is decided by setCondition. */
export type ConditionUpdate = Omit<Condition, "lastTransitionTime">;

/**
 * Degraded reasons a retry cannot fix: the spec or a feature flag must change first.
 * Degraded=True with one of them is the Failed phase (ERROR to the PM).
 */
export const terminalReasons: ReadonlySet<string> = new Set([
  "InvalidSpec",
  "TemplateNotFound",
  "AddonDisabled",
  "NameConflict",
]);

/** Kubernetes' own timestamp form (seconds precision, Z), so rewrites compare equal. */
export function rfc3339(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: ConditionType,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * A copy of `conditions` with `next` set: lastTransitionTime stays when the status did
 * not change (only reason, message and observedGeneration move), else becomes `now`.
 * Other conditions and the order are kept; a new type is appended.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: ConditionUpdate,
  now: Date,
): Condition[] {
  const list = conditions ?? [];
  const previous = findCondition(list, next.type);
  const lastTransitionTime =
    previous && previous.status === next.status ? previous.lastTransitionTime : rfc3339(now);
  const updated: Condition = { ...next, lastTransitionTime };
  return previous ? list.map((c) => (c === previous ? updated : c)) : [...list, updated];
}

export interface SummaryOptions {
  /** metadata.deletionTimestamp is set. */
  deleting?: boolean;
  /** metadata.generation: conditions observed for an older one are stale. */
  generation?: number;
}

/** Phase, reason and message for the status (and the Phase and Reason columns). */
export interface StatusSummary {
  phase: Phase;
  reason: string;
  message: string;
}

// Conditions the reconciler owns; NfrObserved (the analyzer's) never changes the phase.
const reconcileTypes: readonly ConditionType[] = ["Available", "Progressing", "Degraded"];

/**
 * Phase from conditions, first match wins: Deleting; Progressing while the conditions are
 * older than the spec; Failed (Degraded with a terminal reason); Degraded (also when
 * neither available nor progressing: stuck); Progressing; Available; else Pending.
 */
export function statusSummary(
  conditions: readonly Condition[] | undefined,
  options: SummaryOptions = {},
): StatusSummary {
  const { phase, reason, message } = explainStatus(conditions, options);
  return { phase, reason, message };
}

/**
 * statusSummary with the condition that explains it (its lastTransitionTime says since
 * when the record is in that state, e.g. the dashboard's Since column); none for Deleting,
 * a spec not reconciled yet (NewGeneration) and a record without conditions.
 */
export function explainStatus(
  conditions: readonly Condition[] | undefined,
  options: SummaryOptions = {},
): StatusSummary & { condition?: Condition } {
  const is = (type: ConditionType, status: Condition["status"]) =>
    findCondition(conditions, type)?.status === status;
  const explained = (phase: Phase, type: ConditionType): StatusSummary & { condition?: Condition } => {
    const c = findCondition(conditions, type);
    return { phase, reason: c?.reason ?? phase, message: c?.message ?? "", ...(c ? { condition: c } : {}) };
  };
  if (options.deleting) {
    return {
      phase: "Deleting",
      reason: "Deleting",
      message: "children are being deleted before the record goes",
    };
  }
  const stale = staleGeneration(conditions, options.generation);
  if (stale !== undefined) {
    return {
      phase: "Progressing",
      reason: "NewGeneration",
      message: `spec generation ${options.generation ?? 0} not reconciled yet (conditions are for ${stale})`,
    };
  }
  const degraded = findCondition(conditions, "Degraded");
  if (degraded?.status === "True")
    return explained(terminalReasons.has(degraded.reason) ? "Failed" : "Degraded", "Degraded");
  if (is("Available", "False") && is("Progressing", "False")) return explained("Degraded", "Available");
  if (is("Progressing", "True")) return explained("Progressing", "Progressing");
  if (is("Available", "True")) return explained("Available", "Available");
  if (findCondition(conditions, "Available")) return explained("Pending", "Available");
  return {
    phase: "Pending",
    reason: "AwaitingReconcile",
    message: "not reconciled yet; if this lasts, check that the CRM watcher and reconciler are running",
  };
}

/** The oldest observedGeneration of the reconciler's conditions when older than `generation`. */
function staleGeneration(
  conditions: readonly Condition[] | undefined,
  generation: number | undefined,
): number | undefined {
  if (generation === undefined) return undefined;
  const observed = (conditions ?? [])
    .filter((c) => reconcileTypes.includes(c.type) && c.observedGeneration !== undefined)
    .map((c) => c.observedGeneration ?? 0);
  const oldest = Math.min(...observed);
  return observed.length > 0 && oldest < generation ? oldest : undefined;
}

export function derivePhase(
  conditions: readonly Condition[] | undefined,
  deleting: boolean,
  generation?: number,
): Phase {
  return statusSummary(conditions, { deleting, ...(generation === undefined ? {} : { generation }) }).phase;
}

const summaries: Record<Phase, SummarizedStatus> = {
  Available: "RUNNING",
  Progressing: "PROGRESSING",
  // The CRM is acting on it: from the PM's side a transition in progress.
  Deleting: "PROGRESSING",
  Degraded: "DEGRADED",
  Failed: "ERROR",
  // Nothing decisive observed yet.
  Pending: "SUMMARY_UNKNOWN",
};

/**
 * The PM-facing summary of a status. Uses the conditions, not the stored phase, so a
 * stale or hand-edited phase cannot mislead the PM.
 */
export function summarize(
  status: DeploymentRecordStatus | undefined,
  options: SummaryOptions = {},
): SummarizedStatus {
  return summaries[statusSummary(status?.conditions, options).phase];
}
