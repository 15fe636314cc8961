// What the PM passes on from oaas.crm.v1.RecordDetailService/GetNfrDetail: a record's NFR
// state as the PM's REST answers spell it (snake_case; schema @oaas/pm-api NfrDetail). The
// one translation from the wire shape (record_detail.proto).
import type { NfrDetail } from "@oaas/pm-api";
import type {
  GetNfrDetailResponse,
  NfrDecision as NfrDecisionMessage,
  NfrRecommendationDetail,
} from "@oaas/proto";

type Dimension = NfrDetail["enforcement"]["dimensions"][number];
type Decision = NfrDetail["last_decisions"][number];
type Check = Decision["checks"][number];

/** A dimension as the schema enumerates it; the CRM only sends these three. */
const dimension = (d: string): Dimension => (d === "cpu" || d === "memory" ? d : "replicas");

function recommendation(r: NfrRecommendationDetail): NfrDetail["recommendations"][number] {
  return {
    component: r.component,
    dimension: dimension(r.dimension),
    target: r.target,
    unit: r.unit,
    basis: r.basis,
    confidence: r.confidence,
  };
}

function decision(d: NfrDecisionMessage): Decision {
  return {
    component: d.component,
    dimension: dimension(d.dimension),
    ...(d.current !== undefined ? { current: d.current } : {}),
    recommended: d.recommended,
    verdict: d.verdict === "apply" ? "apply" : "hold",
    ...(d.value !== undefined ? { value: d.value } : {}),
    checks: d.checks.map((c): Check => ({
      check: c.check,
      verdict: c.verdict === "pass" || c.verdict === "adjust" ? c.verdict : "hold",
      reason: c.reason,
      ...(c.nextEligibleAt !== undefined ? { next_eligible_at: c.nextEligibleAt } : {}),
      ...(c.value !== undefined ? { value: c.value } : {}),
    })),
    ...(d.nextEligibleAt !== undefined ? { next_eligible_at: d.nextEligibleAt } : {}),
    summary: d.summary,
  };
}

/** The answer as JSON. */
export function nfrDetailJson(res: GetNfrDetailResponse): NfrDetail {
  const observed = res.nfrObserved;
  const status = observed?.status;
  return {
    deployment_id: res.deploymentId,
    record: res.record,
    namespace: res.namespace,
    at: res.at,
    enforcement: {
      enabled: res.enforcement?.enabled ?? false,
      mode: res.enforcement?.mode ?? "observe",
      dimensions: (res.enforcement?.dimensions ?? []).map(dimension),
    },
    requirements: res.requirements.map((r) => ({
      component: r.component,
      requirements: {
        ...(r.requirements?.maxLatencyMs !== undefined
          ? { max_latency_ms: r.requirements.maxLatencyMs }
          : {}),
        ...(r.requirements?.minThroughputRps !== undefined
          ? { min_throughput_rps: r.requirements.minThroughputRps }
          : {}),
        ...(r.requirements?.availability !== undefined ? { availability: r.requirements.availability } : {}),
        ...(r.requirements?.cpuUtilizationTarget !== undefined
          ? { cpu_utilization_target: r.requirements.cpuUtilizationTarget }
          : {}),
      },
    })),
    recommendations: res.recommendations.map(recommendation),
    last_decisions: res.lastDecisions.map(decision),
    would_apply_now: res.wouldApplyNow.map(decision),
    ...(res.stale !== undefined ? { stale: res.stale } : {}),
    ...(res.lastAppliedAt !== undefined ? { last_applied_at: res.lastAppliedAt } : {}),
    last_applied: res.lastApplied.map(recommendation),
    ...(observed
      ? {
          nfr_observed: {
            type: observed.type,
            status: status === "True" || status === "False" ? status : "Unknown",
            reason: observed.reason,
            message: observed.message,
            last_transition_time: observed.lastTransitionTime,
          },
        }
      : {}),
    ...(res.whatIf
      ? {
          what_if: {
            at_rps: res.whatIf.atRps,
            components: res.whatIf.components.map((c) => ({
              component: c.component,
              observed: c.observed,
              recommendations: c.recommendations.map(recommendation),
              unknown: c.unknown.map((u) => ({ dimension: dimension(u.dimension), why: u.why })),
            })),
          },
        }
      : {}),
  };
}
