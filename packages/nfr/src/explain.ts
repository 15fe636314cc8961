// What the roles print for `crm nfr explain` / `oaasctl nfr` and the dashboard: the
// current recommendations per component with basis and confidence, the last decisions,
// and what would be applied now; plus a what-if for a given request rate. Structured
// data only; the callers format it.
import type { DecisionInput } from "./chain.ts";
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

export function explain(input: ExplainInput): Explanation {
  throw new Error(`not yet: explain(${input.record})`);
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
  throw new Error(`not yet: whatIf(${input.component}, ${input.atRps})`);
}
