// Pure: what the analyzer writes on a record (status.nfr_recommendations and the
// NfrObserved condition) from what one analysis found, and whether that differs from
// what the record already says. The analyzer writes only when a target or the condition
// changed: the basis and confidence of a recommendation move with every sample, and
// writing them each cycle would be one status write per record per interval for nothing.
import {
  findCondition,
  setCondition,
  type Condition,
  type ConditionUpdate,
  type DeploymentRecord,
  type Recommendation,
} from "@oaas/crd";

/** Condition reasons of NfrObserved (CamelCase, machine-readable). */
export const nfrReasons = {
  /** Recommendations from current series; nothing is applied (observe), or the enforcer may (enforce). */
  observed: "Observed",
  /** mode enforce, but OPRC_CRM_FEATURES_NFR_ENFORCEMENT is off: recommendations only. */
  enforcementOff: "EnforcementDisabled",
  /** No Prometheus to ask (no URL, or the Prometheus Operator CRDs missing with the feature on). */
  disabled: "PrometheusDisabled",
  /** Prometheus did not answer or answered errors: the last recommendations are kept. */
  unavailable: "PrometheusUnavailable",
  /** Prometheus answered, but no series of this record's workloads (yet). */
  noMetrics: "NoMetrics",
  /** spec.nfr.enforcement.mode off: the record is not analyzed. */
  off: "AnalysisOff",
} as const;

/** What one analysis of one record came to. */
export type AnalysisOutcome =
  /** Nothing was asked of Prometheus: why, for a person. */
  | { kind: "disabled"; message: string }
  | { kind: "off" }
  /** Every query failed: the error in words. */
  | { kind: "unavailable"; message: string }
  | {
      kind: "analyzed";
      recommendations: Recommendation[];
      /** "component dimension" pairs no recommendation could be made for (unknown data). */
      unknown: string[];
      /** spec.nfr.enforcement.mode of the record, with its default. */
      mode: "observe" | "enforce";
      /** OPRC_CRM_FEATURES_NFR_ENFORCEMENT. */
      enforcementEnabled: boolean;
    };

/** The status fields the analyzer owns (server-side apply with its own field manager). */
export interface AnalyzerStatus {
  /** Absent: the analyzer drops the field (it owns it, so the apply removes it). */
  nfr_recommendations?: Recommendation[];
  conditions: Condition[];
}

/** Recommendations are known and current: the enforcer may act on them. */
export function recommendationsAvailable(outcome: AnalysisOutcome): boolean {
  return outcome.kind === "analyzed" && outcome.recommendations.length > 0;
}

/**
 * The analyzer's status for `record` after `outcome`, at `now`. Prometheus unavailable
 * or no series: the recommendations stay as they were (unknown is never zero), and so does
 * the previous recommendation of each component/dimension this analysis could not say
 * anything about (one query failed, a series dropped). Analysis off or disabled: they are
 * dropped (nothing current stands behind them).
 */
export function nextAnalyzerStatus(
  record: DeploymentRecord,
  outcome: AnalysisOutcome,
  now: Date,
): AnalyzerStatus {
  const previous = record.status?.nfr_recommendations;
  const condition = conditionFor(outcome);
  const generation = record.metadata.generation;
  const update: ConditionUpdate =
    generation === undefined ? condition : { ...condition, observedGeneration: generation };
  const conditions = setCondition(
    (record.status?.conditions ?? []).filter((c) => c.type === "NfrObserved"),
    update,
    now,
  );
  const recommendations =
    outcome.kind === "analyzed" && outcome.recommendations.length > 0
      ? sortRecommendations([
          ...outcome.recommendations.map((r) => settled(previous, r)),
          ...keptFor(previous, outcome.unknown),
        ])
      : outcome.kind === "disabled" || outcome.kind === "off"
        ? undefined
        : previous;
  return recommendations === undefined
    ? { conditions }
    : { nfr_recommendations: recommendations, conditions };
}

/**
 * Relative change of a cpu or memory target below which the written recommendation stays
 * as it is (5%). Usage is sampled: the p90 of a steady pod's CPU moves by a few millicores
 * from one cycle to the next, and writing each of those moves would be one status write
 * per record per interval for nothing (the enforcer ignores changes under 10% anyway).
 * Replica targets are whole numbers and move only when the load does.
 */
export const resourceDeadband = 0.05;

/** `fresh`, with the previous target of its pair when a cpu/memory target moved less than the deadband. */
function settled(previous: readonly Recommendation[] | undefined, fresh: Recommendation): Recommendation {
  if (fresh.dimension === "replicas") return fresh;
  const before = previous?.find((r) => r.component === fresh.component && r.dimension === fresh.dimension);
  if (before === undefined || before.target <= 0) return fresh;
  if (Math.abs(fresh.target - before.target) / before.target >= resourceDeadband) return fresh;
  return {
    ...fresh,
    target: before.target,
    basis: `${fresh.basis}; kept at ${before.target} (the new ${fresh.target} is within ${resourceDeadband * 100}% of it)`,
  };
}

/** The previous recommendations of the pairs this analysis knows nothing about: kept as they were. */
function keptFor(
  previous: readonly Recommendation[] | undefined,
  unknown: readonly string[],
): Recommendation[] {
  const pairs = new Set(unknown);
  return (previous ?? []).filter((r) => pairs.has(`${r.component} ${r.dimension}`));
}

function conditionFor(outcome: AnalysisOutcome): Omit<ConditionUpdate, "observedGeneration"> {
  const type = "NfrObserved" as const;
  switch (outcome.kind) {
    case "disabled":
      return { type, status: "False", reason: nfrReasons.disabled, message: outcome.message };
    case "off":
      return {
        type,
        status: "False",
        reason: nfrReasons.off,
        message:
          "spec.nfr.enforcement.mode is off: this record is not analyzed and has no recommendations; set it to observe or enforce",
      };
    case "unavailable":
      return {
        type,
        status: "False",
        reason: nfrReasons.unavailable,
        message: `${outcome.message}; the last recommendations are kept as they were`,
      };
    case "analyzed":
      return analyzedCondition(outcome);
  }
}

function analyzedCondition(
  outcome: Extract<AnalysisOutcome, { kind: "analyzed" }>,
): Omit<ConditionUpdate, "observedGeneration"> {
  const type = "NfrObserved" as const;
  const missing = outcome.unknown.length > 0 ? `; no data for ${[...outcome.unknown].sort().join(", ")}` : "";
  if (outcome.recommendations.length === 0)
    return {
      type,
      status: "False",
      reason: nfrReasons.noMetrics,
      message: `Prometheus answered, but without the series of this record's workloads${missing}; check that they are scraped (ServiceMonitor/PodMonitor, or the scrape configuration of the Prometheus at OPRC_CRM_PROM_URL)`,
    };
  const components = new Set(outcome.recommendations.map((r) => r.component)).size;
  const made = `${outcome.recommendations.length} recommendation(s) for ${components} component(s)${missing}`;
  if (outcome.mode === "enforce" && !outcome.enforcementEnabled)
    return {
      type,
      status: "True",
      reason: nfrReasons.enforcementOff,
      message: `${made}; spec.nfr.enforcement.mode is enforce, but enforcement is off globally (OPRC_CRM_FEATURES_NFR_ENFORCEMENT=false): recommendations only, nothing is applied`,
    };
  return {
    type,
    status: "True",
    reason: nfrReasons.observed,
    message:
      outcome.mode === "enforce"
        ? `${made}; the enforcer applies them within its safeguards (spec.nfr.enforcement.mode enforce)`
        : `${made}; recommendations only (spec.nfr.enforcement.mode observe)`,
  };
}

/** Stable order (component, then dimension), so equal sets compare and print the same. */
export function sortRecommendations(recommendations: readonly Recommendation[]): Recommendation[] {
  return [...recommendations].sort(
    (a, b) => a.component.localeCompare(b.component) || a.dimension.localeCompare(b.dimension),
  );
}

/** "component/dimension=target" of each recommendation, sorted: what decides a write. */
export function targetsOf(recommendations: readonly Recommendation[] | undefined): string[] {
  return (recommendations ?? []).map((r) => `${r.component}/${r.dimension}=${r.target}`).sort();
}

/**
 * True when `next` would change nothing that matters on the record: the same targets, the
 * same recommendations confident enough for the enforcer (`minConfidence`,
 * OPRC_CRM_ENFORCEMENT_MIN_CONFIDENCE: a first analysis on a short history is not, a later
 * one on a full range is, with the same targets) and the same NfrObserved condition. Other
 * moves of basis and confidence are left as they were written.
 */
export function sameAnalyzerStatus(
  record: DeploymentRecord,
  next: AnalyzerStatus,
  minConfidence: number,
): boolean {
  const live = record.status;
  const liveTargets = targetsOf(live?.nfr_recommendations);
  const nextTargets = targetsOf(next.nfr_recommendations);
  if (liveTargets.join(",") !== nextTargets.join(",")) return false;
  if (
    confidentOf(live?.nfr_recommendations, minConfidence) !==
    confidentOf(next.nfr_recommendations, minConfidence)
  )
    return false;
  if ((live?.nfr_recommendations === undefined) !== (next.nfr_recommendations === undefined)) return false;
  const a = findCondition(live?.conditions, "NfrObserved");
  const b = findCondition(next.conditions, "NfrObserved");
  return (
    a !== undefined &&
    b !== undefined &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.observedGeneration === b.observedGeneration
  );
}

/** "component/dimension" of the recommendations at or above `minConfidence`, sorted. */
function confidentOf(recommendations: readonly Recommendation[] | undefined, minConfidence: number): string {
  return (recommendations ?? [])
    .filter((r) => r.confidence >= minConfidence)
    .map((r) => `${r.component}/${r.dimension}`)
    .sort()
    .join(",");
}

/** What changed between two recommendation sets, for the history: "function f1 replicas 2 -> 3". */
export function describeTargetChanges(
  before: readonly Recommendation[] | undefined,
  after: readonly Recommendation[] | undefined,
): string[] {
  const key = (r: Recommendation) => `${r.component} ${r.dimension}`;
  const old = new Map((before ?? []).map((r) => [key(r), r.target]));
  const changes: string[] = [];
  for (const r of after ?? []) {
    const was = old.get(key(r));
    if (was !== r.target) changes.push(`${key(r)} ${was === undefined ? "" : `${was} -> `}${r.target}`);
    old.delete(key(r));
  }
  for (const [k, was] of old) changes.push(`${k} ${was} -> none`);
  return changes;
}
