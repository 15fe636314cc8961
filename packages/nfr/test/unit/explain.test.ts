// Explain and what-if: structured data, no I/O; settings from the CRM configuration.
import { expect } from "chai";
import { parseCrmConfig } from "@oaas/config";
import { explain, nfrSettings, whatIf, type DecisionInput } from "../../src/index.ts";
import { enforcement, must } from "./fixtures.ts";

const T = Date.parse("2026-12-07T12:00:00Z");

describe("nfr: explain and what-if", function () {
  const recommendations = [
    { component: "cart", dimension: "memory" as const, target: 268435456, basis: "b", confidence: 1 },
    { component: "cart", dimension: "replicas" as const, target: 4, basis: "a", confidence: 1 },
  ];
  const decisionInput: DecisionInput = {
    nowMs: 0,
    settings: enforcement(),
    enforcement: { mode: "enforce", dimensions: ["replicas"] },
    componentKind: "function",
    recommendation: must(recommendations[1]),
    current: 2,
    user: {},
    state: { history: [{ atMs: T - 60_000, target: 4, confidence: 1 }] },
  };

  it("lists recommendations with units, and what would be applied now with every check", function () {
    const out = explain({
      record: "shop",
      namespace: "ns1",
      nowMs: T,
      recommendations,
      lastDecisions: [],
      decisionInputs: [decisionInput],
    });
    expect(out.at).to.equal("2026-12-07T12:00:00.000Z");
    expect(out.enforcement).to.deep.equal({ enabled: true, mode: "enforce", dimensions: ["replicas"] });
    expect(out.recommendations.map((r) => [r.dimension, r.unit])).to.deep.equal([
      ["replicas", "replicas"],
      ["memory", "bytes"],
    ]);
    const [now] = out.wouldApplyNow;
    expect(now?.verdict).to.equal("hold");
    expect(now?.summary).to.match(/stability 60\/180 s.*next eligible at 2026-12-07T12:02:00.000Z/);
    expect(now?.checks).to.have.length(12);
  });

  it("what-if scales the observed cost per request to the rps asked for", function () {
    const out = whatIf({
      component: "cart",
      atRps: 300,
      observed: { cpuCores: 0.4, rps: 100 },
      requirements: {},
      settings: { cpuPerPodMillicores: 500 },
    });
    // 4m per rps x 300 = 1200m; 1200 / 400 = 3.
    expect(out.recommendations[0]?.target).to.equal(3);
    expect(out.recommendations[0]?.basis).to.include("what-if at 300 rps");
  });

  it("what-if without observed traffic is unknown, not a guess", function () {
    for (const observed of [undefined, { cpuCores: 0.1, rps: 0 }]) {
      const out = whatIf({
        component: "cart",
        atRps: 300,
        observed,
        requirements: {},
        settings: { cpuPerPodMillicores: 500 },
      });
      expect(out.recommendations).to.deep.equal([]);
      expect(out.unknown[0]?.why).to.match(/no traffic observed/);
    }
  });

  it("maps the CRM configuration to milliseconds and percent", function () {
    const s = nfrSettings(parseCrmConfig({ OPRC_CRM_PROM_RANGE: "15m", OPRC_CRM_PROM_STEP: "1m" }));
    expect(s.analysis).to.deep.equal({
      rateWindow: "1m",
      rangeMs: 900_000,
      stepMs: 60_000,
      cpuPerPodMillicores: 500,
    });
    expect(s.enforcement).to.deep.equal({
      enabled: false,
      stabilityMs: 180_000,
      cooldownMs: 120_000,
      maxReplicaDeltaPct: 30,
      maxReplicas: 20,
      minConfidence: 0.8,
    });
  });
});
