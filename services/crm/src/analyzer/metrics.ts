// The analyzer's metrics: runs under controller-runtime's names with controller
// "nfr-analyzer" (../workers/controller-metrics.ts), and what only the analyzer knows:
// oaas_crm_analyzer_runs_total{outcome} (observed, unavailable, disabled, ...),
// oaas_crm_analyzer_status_writes_total (should stay flat while nothing changes),
// oaas_crm_analyzer_prometheus_queries_total{signal,result} and
// oaas_crm_analyzer_prometheus_query_seconds (one query per signal per namespace per
// interval, however many records).
import type { PlannedQuery, QueryOutcome } from "@oaas/nfr";
import type { Metrics } from "@oaas/telemetry";
import { controllerMetrics } from "../workers/controller-metrics.ts";
import type { AnalyzeMetricsHooks } from "./handler.ts";

export interface AnalyzerMetrics extends AnalyzeMetricsHooks {
  queried(query: PlannedQuery, outcome: QueryOutcome, seconds: number): void;
}

export function analyzerMetrics(meter: Metrics["meter"], controller = "nfr-analyzer"): AnalyzerMetrics {
  const controllerRuntime = controllerMetrics(meter, controller);
  const runs = meter.createCounter("oaas_crm_analyzer_runs_total", {
    description: "Analyses by what they came to (analyzed, unavailable, disabled, off, skipped).",
  });
  const writes = meter.createCounter("oaas_crm_analyzer_status_writes_total", {
    description: "Status writes of the analyzer: only when a target or NfrObserved changed.",
  });
  const queries = meter.createCounter("oaas_crm_analyzer_prometheus_queries_total", {
    description: "PromQL queries asked of Prometheus, by signal and result (ok, error).",
  });
  const querySeconds = meter.createHistogram("oaas_crm_analyzer_prometheus_query_seconds", {
    description: "Time of one PromQL query in seconds.",
    unit: "s",
  });
  writes.add(0, { controller });
  return {
    analyzed(result, outcome, wrote, seconds) {
      controllerRuntime.reconciled(result, seconds);
      runs.add(1, { controller, outcome });
      if (wrote) writes.add(1, { controller });
    },
    queried(query, outcome, seconds) {
      queries.add(1, { signal: query.signal, result: outcome.ok ? "ok" : "error" });
      querySeconds.record(seconds, { signal: query.signal });
    },
  };
}
