// What the roles print for `crm nfr explain` / `oaasctl nfr` and the dashboard: the
// current recommendations per component with basis and confidence, the last decisions,
// and what would be applied now; plus a what-if for a given request rate. Structured
// data only; the callers format it.
import { decide, type DecisionInput } from "./chain.ts";
import { fmt, replicasFromLoad } from "./replicas.ts";
import type {
  Analysis,
  AnalysisSettings,
  Decision,
  EnforcementDimension,
  NfrRequirements,
  Recommendation,
} from "./types.ts";

export interface ExplainedRecommendation extends Recommendation {
  /** "replicas", "millicores" or "bytes". */
  unit: string;
}

export interface Explanation {
  record: string;
  namespace: string;
  /** RFC 3339 of `nowMs`. */
  at: string;
  /** spec.nfr.enforcement with defaults, and the global flag. */
  enforcement: { enabled: boolean; mode: string; dimensions: EnforcementDimension[] };
  recommendations: ExplainedRecommendation[];
  /** Decisions the enforcer recorded (newest first), as given. */
  lastDecisions: Decision[];
  /** The chain run now over each recommendation: what would be applied, or why not. */
  wouldApplyNow: Decision[];
}

/** An explanation plus what the roles add about the analysis itself. */
export interface RecordExplanation extends Explanation {
  /** Why the recommendations are not current (NfrObserved not True), when so. */
  stale?: string;
  /** status.last_applied_at, when the enforcer applied anything. */
  lastAppliedAt?: string;
  /** Each component's requirements as the analyzer reads them (components.ts requirementsFor). */
  requirements?: { component: string; requirements: NfrRequirements }[];
  /** status.last_applied_recommendations, with units. */
  lastApplied?: ExplainedRecommendation[];
  /** The NfrObserved condition; absent until the analyzer wrote it. */
  nfrObserved?: { status: string; reason: string; message: string; lastTransitionTime: string };
}

export interface ExplainInput {
  record: string;
  namespace: string;
  nowMs: number;
  /** status.nfr_recommendations. */
  recommendations: readonly Recommendation[];
  lastDecisions: readonly Decision[];
  /** One DecisionInput per recommendation, built by the caller from state and the cluster (current values). */
  decisionInputs: readonly DecisionInput[];
}

/** Unit of a dimension's target. */
export function unitOf(dimension: EnforcementDimension): string {
  return dimension === "replicas" ? "replicas" : dimension === "cpu" ? "millicores" : "bytes";
}

/**
 * The explanation of one record at `nowMs`: recommendations in dimension order with
 * their units, the decisions given (newest first), and the chain run now for each
 * decision input. `enforcement` is read from the first decision input (all share the
 * record's settings); without any, enforcement shows as off/observe.
 */
export function explain(input: ExplainInput): Explanation {
  const first = input.decisionInputs[0];
  const order = (d: EnforcementDimension) => ["replicas", "cpu", "memory"].indexOf(d);
  const recommendations = [...input.recommendations]
    .sort((a, b) => a.component.localeCompare(b.component) || order(a.dimension) - order(b.dimension))
    .map((r) => ({ ...r, unit: unitOf(r.dimension) }));
  return {
    record: input.record,
    namespace: input.namespace,
    at: new Date(input.nowMs).toISOString(),
    enforcement: {
      enabled: first?.settings.enabled ?? false,
      mode: first?.enforcement.mode ?? "observe",
      dimensions: [...(first?.enforcement.dimensions ?? [])],
    },
    recommendations,
    lastDecisions: [...input.lastDecisions],
    wouldApplyNow: input.decisionInputs.map((d) => decide({ ...d, nowMs: input.nowMs })),
  };
}

export interface WhatIfInput {
  component: string;
  /** The request rate to plan for, requests per second. */
  atRps: number;
  /** Observed load the cost per request comes from (cores at `rps`); undefined = not known. */
  observed?: { cpuCores: number; rps: number };
  requirements: NfrRequirements;
  settings: Pick<AnalysisSettings, "cpuPerPodMillicores">;
}

/**
 * The replica recommendation for `atRps` requests per second: CPU scaled linearly from
 * the observed cost per request (cpuCores / rps), through the same formula as the
 * analyzer (replicas.ts). Unknown when no traffic was observed (no cost per request).
 */
export function whatIf(input: WhatIfInput): Analysis {
  const dimension = "replicas";
  const observed = input.observed;
  if (!Number.isFinite(input.atRps) || input.atRps < 0) {
    return {
      recommendations: [],
      unknown: [{ component: input.component, dimension, why: "the rps asked for is not a number >= 0" }],
    };
  }
  if (observed === undefined || !(observed.rps > 0) || !Number.isFinite(observed.cpuCores)) {
    return {
      recommendations: [],
      unknown: [
        {
          component: input.component,
          dimension,
          why: "no traffic observed: the CPU cost per request is not known, so no load can be extrapolated",
        },
      ],
    };
  }
  const perRequest = observed.cpuCores / observed.rps;
  const cpuCores = perRequest * input.atRps;
  const result = replicasFromLoad(
    { cpuCores, rps: input.atRps },
    input.requirements,
    input.settings.cpuPerPodMillicores,
  );
  const basis = `what-if at ${fmt(input.atRps)} rps: ${fmt(perRequest * 1000)}m per request/s observed (${fmt(observed.cpuCores * 1000)}m at ${fmt(observed.rps)} rps) -> ${fmt(cpuCores * 1000)}m; ${result.because.join("; ")}`;
  return {
    recommendations: [
      {
        component: input.component,
        dimension,
        target: result.target,
        basis,
        confidence: 1,
        coverage: 1,
        inputs: { rps: input.atRps, cpu_cores: cpuCores },
      },
    ],
    unknown: [],
  };
}
