// @oaas/nfr: NFR analysis and enforcement policy, pure (no I/O, no clock, no env): the
// clock and every sample are inputs. The analyzer and enforcer roles (services/crm) and
// the Prometheus edge (@oaas/prom) call it.
export type * from "./types.ts";
export { quote, matcher, promLabelName } from "./promql.ts";
export {
  componentsOf,
  requirementsFor,
  userBoundsOf,
  enforcementOf,
  dimensions,
  odgmComponent,
} from "./components.ts";
export {
  planQueries,
  namespaceQuery,
  componentQuery,
  scrapedPodLabels,
  appLabels,
  podLabels,
  podLabelsMetric,
  requestMetric,
  knativeRequestCount,
  knativeLatencyBucket,
  cpuMetric,
  memoryMetric,
  oomMetric,
  type PlannedQuery,
  type QueryOptions,
  type QuerySource,
} from "./queries.ts";
export { componentKey, splitOutcome, gatherSignals } from "./split.ts";
export { expectedSamples, coverage, percentile } from "./stats.ts";
export {
  cpuRequestMillicores,
  memoryRequestBytes,
  cpuRequestPolicy,
  memoryRequestPolicy,
} from "./resources.ts";
export { replicasFromLoad, type Load, type ReplicaResult } from "./replicas.ts";
export { analyzeComponent, toStatusRecommendations, type AnalyzeInput } from "./analyze.ts";
export { stateKey, emptyState, decodeState, observe, recordApplied, dimensionState } from "./state.ts";
export {
  decide,
  chain,
  cooldownMs,
  hysteresisFraction,
  scaleUpCooldownFraction,
  knativeCooldownFactor,
  scaleDownMinConfidence,
  type Check,
  type DecisionInput,
} from "./chain.ts";
export {
  explain,
  whatIf,
  unitOf,
  type Explanation,
  type ExplainInput,
  type ExplainedRecommendation,
  type RecordExplanation,
  type WhatIfInput,
} from "./explain.ts";
export { componentText, formatExplanation, type WhatIfResult } from "./explain-text.ts";
export { nfrSettings, durationMs } from "./settings.ts";
