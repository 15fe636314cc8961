// `crm nfr explain` / `oaasctl nfr` as text: every recommendation with its unit, confidence and basis; the
// last decisions and what would be applied now with every check; the global flag, a stale
// analysis and a what-if said in words.
import { expect } from "chai";
import type { Decision, RecordExplanation } from "../../src/index.ts";
import { formatExplanation } from "../../src/explain-text.ts";

const held: Decision = {
  component: "f1",
  dimension: "replicas",
  current: 2,
  recommended: 3,
  verdict: "hold",
  value: 3,
  checks: [
    { check: "global", verdict: "pass", reason: "enforcement on globally" },
    { check: "stability", verdict: "hold", reason: "stability 120/180 s" },
  ],
  nextEligibleAtMs: Date.UTC(2026, 11, 7, 12, 4, 10),
  summary: "held: stability 120/180 s; next eligible at 2026-12-07T12:04:10.000Z",
};
const explanation: RecordExplanation = {
  record: "shop",
  namespace: "prod",
  at: "2026-12-07T12:02:10.000Z",
  enforcement: { enabled: true, mode: "enforce", dimensions: ["replicas", "cpu"] },
  recommendations: [
    {
      component: "f1",
      dimension: "replicas",
      target: 3,
      basis: "cpu 2.4 cores over 10m",
      confidence: 0.97,
      unit: "replicas",
    },
    {
      component: "odgm",
      dimension: "cpu",
      target: 250,
      basis: "p90 210m + 15%",
      confidence: 1,
      unit: "millicores",
    },
  ],
  lastDecisions: [held],
  wouldApplyNow: [held],
  lastAppliedAt: "2026-12-07T11:00:00.000Z",
};

describe("crm nfr explain: text", function () {
  it("prints recommendations, decisions with their checks, and the enforcement settings", function () {
    const text = formatExplanation(explanation);
    expect(text).to.contain("NFR of prod/shop at 2026-12-07T12:02:10.000Z");
    expect(text).to.contain("enforcement: mode enforce, dimensions [replicas, cpu], global flag on");
    expect(text).to.contain("last applied at 2026-12-07T11:00:00.000Z");
    expect(text).to.contain("function f1 replicas: 3 replicas (confidence 0.97)");
    expect(text).to.contain("basis: cpu 2.4 cores over 10m");
    expect(text).to.contain("odgm cpu: 250 millicores (confidence 1.00)");
    expect(text).to.contain(
      "function f1 replicas: current 2, recommended 3 -> held: stability 120/180 s; next eligible at 2026-12-07T12:04:10.000Z",
    );
    expect(text).to.contain("hold   stability: stability 120/180 s");
    expect(text).to.contain("pass   global: enforcement on globally");
  });

  it("says when enforcement is off globally and when the analysis is not current", function () {
    const text = formatExplanation({
      ...explanation,
      enforcement: { ...explanation.enforcement, enabled: false },
      stale: "the last analysis failed (NfrObserved=False, PrometheusUnavailable: down)",
    });
    expect(text).to.contain("global flag off (OPRC_CRM_FEATURES_NFR_ENFORCEMENT)");
    expect(text).to.contain("analysis not current: the last analysis failed");
  });

  it("a what-if lists each component's result or why it is unknown", function () {
    const text = formatExplanation(explanation, {
      atRps: 120,
      components: [
        {
          component: "f1",
          observed: "cost per request from 0.400 cores at 40.00 requests/s now",
          analysis: {
            recommendations: [
              { dimension: "replicas", target: 2, basis: "what-if at 120 rps", confidence: 1 },
            ],
            unknown: [],
          },
        },
        {
          component: "f2",
          observed: "OPRC_CRM_PROM_URL is not set: cost per request unknown",
          analysis: {
            recommendations: [],
            unknown: [{ dimension: "replicas", why: "no traffic observed" }],
          },
        },
      ],
    });
    expect(text).to.contain("what if the load were 120 requests/s (nothing written):");
    expect(text).to.contain("replicas: 2 (confidence 1.00) - what-if at 120 rps");
    expect(text).to.contain("function f2 (OPRC_CRM_PROM_URL is not set: cost per request unknown):");
    expect(text).to.contain("replicas: unknown - no traffic observed");
  });

  it("prints each component's requirements, the NfrObserved condition and what was last applied", function () {
    const text = formatExplanation({
      ...explanation,
      requirements: [
        { component: "f1", requirements: { max_latency_ms: 200, min_throughput_rps: 50 } },
        { component: "odgm", requirements: {} },
      ],
      lastApplied: [
        { component: "f1", dimension: "replicas", target: 2, basis: "b", confidence: 1, unit: "replicas" },
      ],
      nfrObserved: {
        status: "True",
        reason: "Observed",
        message: "2 recommendations",
        lastTransitionTime: "2026-12-07T12:00:00Z",
      },
    });
    expect(text).to.contain("NfrObserved: True (Observed) since 2026-12-07T12:00:00Z: 2 recommendations");
    expect(text).to.contain("function f1: max_latency_ms 200, min_throughput_rps 50");
    expect(text).to.contain("odgm: none");
    expect(text).to.contain("last applied:\n  function f1 replicas: 2 replicas");
    expect(formatExplanation({ ...explanation, requirements: [] })).to.contain(
      "NfrObserved: not written yet (no analysis)",
    );
  });
});
