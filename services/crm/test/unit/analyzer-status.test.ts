// Table-driven tests of the analyzer's pure parts: the status it writes from an analysis
// (which recommendations stay, which condition), the "does this need a write" decision
// (targets and the condition only, never basis or confidence), the gate (URL, Operator
// CRDs) and the per-record schedule offset that spreads records over the interval.
import type { DeploymentRecord, Recommendation } from "@oaas/crd";
import { expect } from "chai";
import { gateFor, gateSource } from "../../src/analyzer/gate.ts";
import { recordOfScheduler, scheduleOffsetMs, schedulerId } from "../../src/analyzer/schedules.ts";
import {
  describeTargetChanges,
  nextAnalyzerStatus,
  nfrReasons,
  sameAnalyzerStatus,
  type AnalysisOutcome,
} from "../../src/analyzer/status.ts";

type Opt = (r: DeploymentRecord) => void;
function record(...opts: Opt[]): DeploymentRecord {
  const r: DeploymentRecord = {
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: { name: "r1", namespace: "ns", uid: "u1", generation: 2 },
    spec: {},
  };
  for (const opt of opts) opt(r);
  return r;
}
const withStatus =
  (status: DeploymentRecord["status"]): Opt =>
  (r) =>
    void (r.status = status);
const rec = (
  component: string,
  dimension: Recommendation["dimension"],
  target: number,
  basis = "b",
): Recommendation => ({
  component,
  dimension,
  target,
  basis,
  confidence: 0.9,
});
const now = new Date("2026-12-07T12:00:00Z");
const analyzed = (
  recommendations: Recommendation[],
  extra: Partial<Extract<AnalysisOutcome, { kind: "analyzed" }>> = {},
): AnalysisOutcome => ({
  kind: "analyzed",
  recommendations,
  unknown: [],
  mode: "observe",
  enforcementEnabled: false,
  ...extra,
});
/** The record after the analyzer's status was applied to it. */
const applied = (r: DeploymentRecord, outcome: AnalysisOutcome): DeploymentRecord => {
  const next = nextAnalyzerStatus(r, outcome, now);
  return {
    ...r,
    status: { ...r.status, ...next, ...(next.nfr_recommendations ? {} : { nfr_recommendations: undefined }) },
  };
};

describe("analyzer status", () => {
  const rows: {
    name: string;
    given: DeploymentRecord;
    outcome: AnalysisOutcome;
    want: { status: string; reason: string; message?: RegExp; targets: string[] | undefined };
  }[] = [
    {
      name: "recommendations from an analysis, observe mode",
      given: record(),
      outcome: analyzed([rec("f1", "replicas", 3), rec("f1", "cpu", 250)]),
      want: {
        status: "True",
        reason: nfrReasons.observed,
        message: /recommendations only/,
        targets: ["cpu=250", "replicas=3"],
      },
    },
    {
      name: "mode enforce with the global flag off: recommendations only, and the condition says so",
      given: record(),
      outcome: analyzed([rec("f1", "replicas", 3)], { mode: "enforce", enforcementEnabled: false }),
      want: {
        status: "True",
        reason: nfrReasons.enforcementOff,
        message: /enforcement is off globally \(OPRC_CRM_FEATURES_NFR_ENFORCEMENT=false\)/,
        targets: ["replicas=3"],
      },
    },
    {
      name: "Prometheus unavailable keeps the recommendations as they were",
      given: record(withStatus({ nfr_recommendations: [rec("f1", "replicas", 4)] })),
      outcome: {
        kind: "unavailable",
        message: "Prometheus (OPRC_CRM_PROM_URL) did not answer: connection refused",
      },
      want: {
        status: "False",
        reason: nfrReasons.unavailable,
        message: /connection refused.*kept/,
        targets: ["replicas=4"],
      },
    },
    {
      name: "no series keeps them too (unknown is never zero)",
      given: record(withStatus({ nfr_recommendations: [rec("f1", "replicas", 4)] })),
      outcome: analyzed([], { unknown: ["f1 replicas", "f1 cpu"] }),
      want: {
        status: "False",
        reason: nfrReasons.noMetrics,
        message: /no data for f1 cpu, f1 replicas/,
        targets: ["replicas=4"],
      },
    },
    {
      name: "a dimension with no data this time keeps its previous recommendation",
      given: record(withStatus({ nfr_recommendations: [rec("f1", "replicas", 4), rec("f1", "cpu", 300)] })),
      outcome: analyzed([rec("f1", "replicas", 5)], { unknown: ["f1 cpu"] }),
      want: {
        status: "True",
        reason: nfrReasons.observed,
        message: /no data for f1 cpu/,
        targets: ["cpu=300", "replicas=5"],
      },
    },
    {
      name: "cpu and memory moving less than 5% keep the written recommendation; 5% or more is new",
      given: record(
        withStatus({
          nfr_recommendations: [rec("f1", "cpu", 300), rec("f1", "memory", 1000), rec("f1", "replicas", 2)],
        }),
      ),
      outcome: analyzed([rec("f1", "cpu", 314), rec("f1", "memory", 1050), rec("f1", "replicas", 3)]),
      want: {
        status: "True",
        reason: nfrReasons.observed,
        targets: ["cpu=300", "memory=1050", "replicas=3"],
      },
    },
    {
      name: "disabled drops them and says why",
      given: record(withStatus({ nfr_recommendations: [rec("f1", "replicas", 4)] })),
      outcome: { kind: "disabled", message: "OPRC_CRM_PROM_URL is not set" },
      want: {
        status: "False",
        reason: nfrReasons.disabled,
        message: /OPRC_CRM_PROM_URL/,
        targets: undefined,
      },
    },
    {
      name: "mode off drops them",
      given: record(withStatus({ nfr_recommendations: [rec("f1", "replicas", 4)] })),
      outcome: { kind: "off" },
      want: { status: "False", reason: nfrReasons.off, message: /mode is off/, targets: undefined },
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const next = nextAnalyzerStatus(row.given, row.outcome, now);
      const condition = next.conditions.find((c) => c.type === "NfrObserved");
      expect(next.conditions).to.have.length(1);
      expect(condition).to.include({
        status: row.want.status,
        reason: row.want.reason,
        observedGeneration: 2,
      });
      if (row.want.message) expect(condition?.message).to.match(row.want.message);
      expect(next.nfr_recommendations?.map((r) => `${r.dimension}=${r.target}`).sort()).to.deep.equal(
        row.want.targets,
      );
    });

  it("keeps only its own condition (the reconciler's are the reconciler's)", () => {
    const given = record(
      withStatus({
        conditions: [
          { type: "Available", status: "True", reason: "x", message: "", lastTransitionTime: "t" },
        ],
      }),
    );
    const next = nextAnalyzerStatus(given, analyzed([rec("f1", "replicas", 1)]), now);
    expect(next.conditions.map((c) => c.type)).to.deep.equal(["NfrObserved"]);
  });

  describe("writes only when a target or the condition changed", () => {
    const first = applied(
      record(),
      analyzed([rec("f1", "replicas", 3, "cpu 1.2 cores"), rec("f1", "cpu", 250)]),
    );
    const rows: { name: string; outcome: AnalysisOutcome; same: boolean }[] = [
      {
        name: "same targets, new basis and confidence",
        outcome: analyzed([rec("f1", "cpu", 250, "new"), rec("f1", "replicas", 3, "cpu 1.3 cores")]),
        same: true,
      },
      {
        name: "a target moved",
        outcome: analyzed([rec("f1", "replicas", 4), rec("f1", "cpu", 250)]),
        same: false,
      },
      { name: "a recommendation went", outcome: analyzed([rec("f1", "replicas", 3)]), same: false },
      {
        name: "the mode changed the condition",
        outcome: analyzed([rec("f1", "replicas", 3), rec("f1", "cpu", 250)], { mode: "enforce" }),
        same: false,
      },
      { name: "Prometheus went away", outcome: { kind: "unavailable", message: "down" }, same: false },
    ];
    for (const row of rows)
      it(row.name, () => {
        expect(sameAnalyzerStatus(first, nextAnalyzerStatus(first, row.outcome, now), 0.8)).to.equal(
          row.same,
        );
      });

    it("a recommendation becoming confident enough for the enforcer is a write; other confidence moves are not", () => {
      const low = applied(record(), analyzed([{ ...rec("f1", "replicas", 3), confidence: 0.3 }]));
      const confident = analyzed([{ ...rec("f1", "replicas", 3), confidence: 0.95 }]);
      expect(sameAnalyzerStatus(low, nextAnalyzerStatus(low, confident, now), 0.8)).to.equal(false);
      const high = applied(low, confident);
      const slightly = analyzed([{ ...rec("f1", "replicas", 3), confidence: 0.9 }]);
      expect(sameAnalyzerStatus(high, nextAnalyzerStatus(high, slightly, now), 0.8)).to.equal(true);
    });

    it("an outage written once is not written again while it lasts, and keeps its transition time", () => {
      const down = applied(first, { kind: "unavailable", message: "down" });
      const again = nextAnalyzerStatus(
        down,
        { kind: "unavailable", message: "down" },
        new Date(now.getTime() + 60_000),
      );
      expect(sameAnalyzerStatus(down, again, 0.8)).to.equal(true);
      expect(again.conditions[0]?.lastTransitionTime).to.equal("2026-12-07T12:00:00Z");
    });

    it("a new generation is a write (the condition's observedGeneration)", () => {
      const bumped = { ...first, metadata: { ...first.metadata, generation: 3 } };
      expect(
        sameAnalyzerStatus(
          bumped,
          nextAnalyzerStatus(bumped, analyzed([rec("f1", "replicas", 3), rec("f1", "cpu", 250)]), now),
          0.8,
        ),
      ).to.equal(false);
    });
  });

  it("describes target changes for the history", () => {
    expect(
      describeTargetChanges(
        [rec("f1", "replicas", 2), rec("odgm", "memory", 5)],
        [rec("f1", "replicas", 3), rec("f1", "cpu", 250)],
      ),
    ).to.deep.equal(["f1 replicas 2 -> 3", "f1 cpu 250", "odgm memory 5 -> none"]);
  });
});

describe("analyzer gate", () => {
  const config = (prometheus: boolean, url?: string) => ({
    features: { prometheus } as never,
    prometheus: { ...(url === undefined ? {} : { url }) } as never,
  });
  const rows: {
    name: string;
    prometheus: boolean;
    url?: string;
    operator: boolean | undefined;
    open: boolean;
    why?: RegExp;
  }[] = [
    {
      name: "no URL: closed, naming the variable",
      prometheus: false,
      operator: undefined,
      open: false,
      why: /OPRC_CRM_PROM_URL is not set/,
    },
    {
      name: "URL without the feature: open (no Operator needed)",
      prometheus: false,
      url: "http://p:9090",
      operator: false,
      open: true,
    },
    {
      name: "feature on, Operator CRDs present: open",
      prometheus: true,
      url: "http://p:9090",
      operator: true,
      open: true,
    },
    {
      name: "feature on, Operator CRDs missing: closed, saying why",
      prometheus: true,
      url: "http://p:9090",
      operator: false,
      open: false,
      why: /Prometheus Operator CRDs .* are not installed/,
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const gate = gateFor(config(row.prometheus, row.url), row.operator);
      expect(gate.open).to.equal(row.open);
      if (!gate.open && row.why) expect(gate.message).to.match(row.why);
    });

  it("discovers at most once per TTL and keeps the last answer when discovery fails", async () => {
    let t = 0;
    let calls = 0;
    let answer: boolean | Error = true;
    const source = gateSource(
      config(true, "http://p:9090"),
      () => {
        calls++;
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
      { ttlMs: 1000, now: () => t },
    );
    expect((await source()).open).to.equal(true);
    answer = false;
    t = 500;
    expect((await source()).open).to.equal(true);
    t = 1000;
    expect((await source()).open).to.equal(false);
    answer = new Error("API server down");
    t = 2000;
    expect((await source()).open).to.equal(false);
    expect(calls).to.equal(3);
  });
});

describe("analyzer schedules", () => {
  it("scheduler ids name the record and back", () => {
    expect(recordOfScheduler(schedulerId("ns-1", "rec-a"))).to.deep.equal({
      namespace: "ns-1",
      name: "rec-a",
    });
    expect(recordOfScheduler("foreign")).to.equal(undefined);
  });

  it("offsets are stable per record and spread 1000 records over the interval", () => {
    const interval = 60_000;
    expect(scheduleOffsetMs("ns", "a", interval)).to.equal(scheduleOffsetMs("ns", "a", interval));
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) {
      const offset = scheduleOffsetMs("ns", `record-${i}`, interval);
      expect(offset).to.be.within(0, interval - 1);
      const tenth = Math.floor(offset / (interval / 10));
      buckets[tenth] = (buckets[tenth] ?? 0) + 1;
    }
    // Uniform: every tenth of the interval holds 100 +- 40 records (far from one burst).
    for (const count of buckets) expect(count).to.be.within(60, 140);
  });
});
