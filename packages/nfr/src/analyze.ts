// One component's analysis: its signals (already split per component) become
// recommendations for replicas, cpu and memory, each with its basis and confidence, or
// an "unknown" saying why not. Unknown inputs never count as zero.
import type {
  Analysis,
  AnalysisSettings,
  ComponentSignals,
  NfrRecommendation,
  NfrRequirements,
  QueryWindow,
  Recommendation,
} from "./types.ts";

export interface AnalyzeInput {
  signals: ComponentSignals;
  requirements: NfrRequirements;
  /** The range the range queries covered; its end is the analysis time. */
  window: QueryWindow;
  settings: AnalysisSettings;
}

/**
 * Recommendations of one component:
 * - replicas from the latest load (replicas.ts), needing CPU, plus rps when
 *   min_throughput_rps is set and p99 when max_latency_ms is set (p99 with zero rps
 *   counts as "no requests", not unknown); "latest" = the last finite point no older
 *   than two steps before the window's end, else unknown (stale).
 * - cpu and memory requests from every pod's samples over the range (resources.ts).
 * confidence = coverage of the least covered input (samples seen / expected), rounded
 * down to 2 decimals, so data under 50 % never reaches a confidence of 0.5.
 */
export function analyzeComponent(input: AnalyzeInput): Analysis {
  throw new Error(`not yet: analyzeComponent(${input.signals.component.name})`);
}

/** The status shape (status.nfr_recommendations): the extra fields dropped. */
export function toStatusRecommendations(recommendations: readonly NfrRecommendation[]): Recommendation[] {
  return recommendations.map(({ component, dimension, target, basis, confidence }) => ({
    component,
    dimension,
    target,
    basis,
    confidence,
  }));
}
