// GetNfrDetail's answer from a record's NFR explanation (enforcer/explain.ts builds it,
// @oaas/nfr types it): the one translation from the domain's explanation to
// oaas.crm.v1.GetNfrDetailResponse. Times in ms become RFC 3339 with milliseconds, as the
// text of `crm nfr explain` prints them. Pure.
import { create } from "@bufbuild/protobuf";
import { unitOf, type Decision, type RecordExplanation, type WhatIfResult } from "@oaas/nfr";
import { GetNfrDetailResponseSchema, type GetNfrDetailResponse } from "@oaas/proto";

const iso = (ms: number | undefined) =>
  ms === undefined ? {} : { nextEligibleAt: new Date(ms).toISOString() };

function decision(d: Decision) {
  return {
    component: d.component,
    dimension: d.dimension,
    ...(d.current !== undefined ? { current: d.current } : {}),
    recommended: d.recommended,
    verdict: d.verdict,
    ...(d.value !== undefined ? { value: d.value } : {}),
    checks: d.checks.map((c) => ({
      check: c.check,
      verdict: c.verdict,
      reason: c.reason,
      ...iso(c.nextEligibleAtMs),
      ...(c.value !== undefined ? { value: c.value } : {}),
    })),
    ...iso(d.nextEligibleAtMs),
    summary: d.summary,
  };
}

type Recommended = RecordExplanation["recommendations"][number];
const recommendation = (r: Recommended) => ({
  component: r.component,
  dimension: r.dimension,
  target: r.target,
  unit: r.unit,
  basis: r.basis,
  confidence: r.confidence,
});

/** The answer for `deploymentId` explained as `e` (and the what-if, when asked). */
export function nfrDetailMessage(
  deploymentId: string,
  e: RecordExplanation,
  whatIf?: WhatIfResult,
): GetNfrDetailResponse {
  return create(GetNfrDetailResponseSchema, {
    deploymentId,
    record: e.record,
    namespace: e.namespace,
    at: e.at,
    enforcement: {
      enabled: e.enforcement.enabled,
      mode: e.enforcement.mode,
      dimensions: e.enforcement.dimensions,
    },
    requirements: (e.requirements ?? []).map(({ component, requirements: r }) => ({
      component,
      requirements: {
        ...(r.max_latency_ms !== undefined ? { maxLatencyMs: r.max_latency_ms } : {}),
        ...(r.min_throughput_rps !== undefined ? { minThroughputRps: r.min_throughput_rps } : {}),
        ...(r.availability !== undefined ? { availability: r.availability } : {}),
        ...(r.cpu_utilization_target !== undefined ? { cpuUtilizationTarget: r.cpu_utilization_target } : {}),
      },
    })),
    recommendations: e.recommendations.map(recommendation),
    lastDecisions: e.lastDecisions.map(decision),
    wouldApplyNow: e.wouldApplyNow.map(decision),
    ...(e.stale !== undefined ? { stale: e.stale } : {}),
    ...(e.lastAppliedAt !== undefined ? { lastAppliedAt: e.lastAppliedAt } : {}),
    lastApplied: (e.lastApplied ?? []).map(recommendation),
    ...(e.nfrObserved
      ? {
          nfrObserved: {
            type: "NfrObserved",
            status: e.nfrObserved.status,
            reason: e.nfrObserved.reason,
            message: e.nfrObserved.message,
            lastTransitionTime: e.nfrObserved.lastTransitionTime,
          },
        }
      : {}),
    ...(whatIf
      ? {
          whatIf: {
            atRps: whatIf.atRps,
            components: whatIf.components.map((c) => ({
              component: c.component,
              observed: c.observed,
              recommendations: c.analysis.recommendations.map((r) => ({
                component: c.component,
                dimension: r.dimension,
                target: r.target,
                unit: unitOf(r.dimension),
                basis: r.basis,
                confidence: r.confidence,
              })),
              unknown: c.analysis.unknown.map((u) => ({ dimension: u.dimension, why: u.why })),
            })),
          },
        }
      : {}),
  });
}
