// Recommendation math: replicas from load, VPA-style requests, coverage and confidence,
// and the edge cases (zero traffic, bursty, one sample, missing series, stale data).
import { expect } from "chai";
import {
  analyzeComponent,
  componentsOf,
  coverage,
  cpuRequestMillicores,
  expectedSamples,
  memoryRequestBytes,
  percentile,
  replicasFromLoad,
  type AnalysisSettings,
  type ComponentSignals,
  type NfrRequirements,
  type Series,
  type SignalData,
} from "../../src/index.ts";
import { record, series, withFunction, must } from "./fixtures.ts";

const settings: AnalysisSettings = {
  rateWindow: "1m",
  rangeMs: 600_000,
  stepMs: 30_000,
  cpuPerPodMillicores: 500,
};
const end = 1_800_000_000_000;
const window = { startMs: end - 600_000, endMs: end, stepMs: 30_000 };
const mib = 1024 * 1024;
const [component] = componentsOf(record("shop", withFunction("cart")));

/** A series over the whole window: `n` points, value f(i). */
function over(labels: Record<string, string>, f: (i: number) => number | null, n = 21): Series {
  return series(labels, [...Array(n).keys()].map(f), window.startMs, window.stepMs);
}
const data = (...s: Series[]): SignalData => ({ status: "known", series: s, query: "q" });
const unknown = (why: string): SignalData => ({ status: "unknown", why });

function signals(s: ComponentSignals["signals"]): ComponentSignals {
  return { component: must(component), signals: s };
}
function analyze(s: ComponentSignals["signals"], requirements: NfrRequirements = {}) {
  return analyzeComponent({ signals: signals(s), requirements, window, settings });
}
function rec(s: ComponentSignals["signals"], dimension: string, requirements: NfrRequirements = {}) {
  return analyze(s, requirements).recommendations.find((r) => r.dimension === dimension);
}

describe("nfr: replicas from load", function () {
  const rows: {
    name: string;
    load: Parameters<typeof replicasFromLoad>[0];
    req: NfrRequirements;
    want: number;
  }[] = [
    { name: "idle: at least one", load: { cpuCores: 0 }, req: {}, want: 1 },
    { name: "exact fit does not round up", load: { cpuCores: 1.2 }, req: {}, want: 3 }, // 1200 / (500 x 0.8)
    { name: "just above a fit rounds up", load: { cpuCores: 1.201 }, req: {}, want: 4 },
    {
      name: "utilization target from the record",
      load: { cpuCores: 1 },
      req: { cpu_utilization_target: 0.5 },
      want: 4,
    },
    {
      name: "min throughput above observed rps needs more pods",
      load: { cpuCores: 0.4, rps: 100 }, // 4m per rps; 400m per pod -> 100 rps per pod
      req: { min_throughput_rps: 350 },
      want: 4,
    },
    {
      name: "observed rps above min throughput: CPU decides",
      load: { cpuCores: 0.8, rps: 200 },
      req: { min_throughput_rps: 50 },
      want: 2,
    },
    {
      name: "zero traffic: throughput term not measurable",
      load: { cpuCores: 0.05, rps: 0 },
      req: { min_throughput_rps: 500 },
      want: 1,
    },
    {
      name: "p99 above the limit steps up one",
      load: { cpuCores: 0.8, p99Ms: 300 },
      req: { max_latency_ms: 250 },
      want: 3,
    },
    {
      name: "p99 at the limit does not",
      load: { cpuCores: 0.8, p99Ms: 250 },
      req: { max_latency_ms: 250 },
      want: 2,
    },
    {
      name: "p99 NaN (no requests) does not",
      load: { cpuCores: 0.8, p99Ms: NaN },
      req: { max_latency_ms: 250 },
      want: 2,
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      expect(replicasFromLoad(row.load, row.req, 500).target).to.equal(row.want);
    });
  }

  it("does not depend on how many pods carry the load (never from the current replica count)", function () {
    const two = [0, 1].map((p) => over({ pod: `p${p}` }, () => 0.6));
    const four = [0, 1, 2, 3].map((p) => over({ pod: `p${p}` }, () => 0.3));
    expect(rec({ cpu_cores: data(...two) }, "replicas")?.target).to.equal(3);
    expect(rec({ cpu_cores: data(...four) }, "replicas")?.target).to.equal(3);
  });
});

describe("nfr: requests, VPA-style", function () {
  it("CPU: p90 of per-pod samples plus 15 %, in millicores, with a 25m floor", function () {
    const samples = [...Array(100).keys()].map((i) => (i + 1) / 100); // 0.01 .. 1.00 cores
    expect(cpuRequestMillicores(samples)).to.equal(Math.ceil(1000 * percentile(samples, 0.9) * 1.15));
    expect(cpuRequestMillicores([0.001, 0.002])).to.equal(25);
    expect(cpuRequestMillicores([])).to.be.NaN;
    expect(cpuRequestMillicores([NaN])).to.be.NaN;
  });

  it("memory: p99 plus 15 %, a 64Mi floor, and a bump after an OOM kill", function () {
    const samples = [200, 210, 220, 400].map((m) => m * mib);
    const plain = memoryRequestBytes(samples, false);
    expect(plain).to.equal(Math.ceil(percentile(samples, 0.99) * 1.15));
    expect(memoryRequestBytes(samples, true)).to.equal(
      Math.max(plain, Math.ceil(400 * mib * 1.2), 500 * mib),
    );
    expect(memoryRequestBytes([mib], false)).to.equal(64 * mib);
  });

  it("percentile interpolates between ranks and ignores NaN", function () {
    expect(percentile([1, 2, 3, 4], 0.5)).to.equal(2.5);
    expect(percentile([NaN, 5], 0.9)).to.equal(5);
    expect(percentile([], 0.9)).to.be.NaN;
  });
});

describe("nfr: coverage and confidence", function () {
  it("counts distinct finite timestamps in the window against the expected points", function () {
    expect(expectedSamples(window)).to.equal(21);
    expect(coverage([over({}, () => 1)], window)).to.equal(1);
    expect(coverage([over({}, (i) => (i % 2 === 0 ? 1 : NaN))], window)).to.be.closeTo(11 / 21, 1e-9);
    // Two pods covering alternate steps together cover every step.
    const a = over({ pod: "a" }, (i) => (i % 2 === 0 ? 1 : null));
    const b = over({ pod: "b" }, (i) => (i % 2 === 1 ? 1 : null));
    expect(coverage([a, b], window)).to.equal(1);
  });

  it("one sample is a recommendation with a confidence near zero", function () {
    const one = over({ pod: "p" }, (i) => (i === 20 ? 0.4 : null));
    const r = rec({ cpu_cores: data(one) }, "replicas");
    expect(r?.target).to.equal(1);
    expect(r?.confidence).to.equal(Math.floor((1 / 21) * 100) / 100);
  });

  it("coverage under 50 % gives a confidence under 0.5", function () {
    const sparse = over({ pod: "p" }, (i) => (i >= 11 ? 0.4 : null)); // 10 of 21
    expect(rec({ cpu_cores: data(sparse) }, "cpu")?.confidence).to.be.lessThan(0.5);
  });
});

describe("nfr: analysis of one component", function () {
  const cpu = data(
    over({ pod: "p1" }, () => 0.5),
    over({ pod: "p2" }, () => 0.5),
  );
  const memory = data(
    over({ pod: "p1" }, () => 100 * mib),
    over({ pod: "p2" }, () => 120 * mib),
  );

  it("recommends replicas, cpu and memory with basis and confidence", function () {
    const out = analyze({ cpu_cores: cpu, memory_bytes: memory });
    expect(out.unknown).to.deep.equal([]);
    expect(out.recommendations.map((r) => [r.dimension, r.target])).to.deep.equal([
      ["replicas", 3],
      ["cpu", 575],
      [
        "memory",
        Math.ceil(
          percentile([...Array<number>(21).fill(100 * mib), ...Array<number>(21).fill(120 * mib)], 0.99) *
            1.15,
        ),
      ],
    ]);
    for (const r of out.recommendations) {
      expect(r.component).to.equal("cart");
      expect(r.confidence).to.equal(1);
      expect(r.basis).to.match(/coverage 100% of 21 points every 30s over 600s/);
    }
    expect(out.recommendations[0]?.basis).to.include("cpu 1000m / (500m x 0.8) -> 3");
    expect(out.recommendations[1]?.basis).to.include("container_cpu_usage_seconds_total rate over 1m");
  });

  it("a missing or failed signal is unknown, never zero: no recommendation from it", function () {
    const out = analyze({ cpu_cores: unknown("query failed: HTTP 503"), memory_bytes: memory });
    expect(out.recommendations.map((r) => r.dimension)).to.deep.equal(["memory"]);
    expect(out.unknown.map((u) => u.dimension)).to.deep.equal(["replicas", "cpu"]);
    expect(out.unknown[0]?.why).to.include("HTTP 503");
    expect(analyze({}).recommendations).to.deep.equal([]);
  });

  it("rps is needed when min_throughput_rps is set; unknown rps means no replica recommendation", function () {
    const out = analyze({ cpu_cores: cpu, rps: unknown("no series") }, { min_throughput_rps: 100 });
    expect(out.recommendations.map((r) => r.dimension)).to.deep.equal(["cpu"]);
    expect(out.unknown.find((u) => u.dimension === "replicas")?.why).to.include("rps");
  });

  it("zero traffic: p99 NaN counts as no requests, not as unknown", function () {
    const rps = data(over({}, () => 0));
    const p99 = unknown("only NaN points");
    const r = rec({ cpu_cores: cpu, rps, p99_latency_ms: p99 }, "replicas", { max_latency_ms: 100 });
    expect(r?.target).to.equal(3);
  });

  it("p99 unknown while requests flow is unknown, not 'fast enough'", function () {
    const rps = data(over({}, () => 40));
    const out = analyze(
      { cpu_cores: cpu, rps, p99_latency_ms: unknown("no series") },
      { max_latency_ms: 100 },
    );
    expect(out.recommendations.map((r) => r.dimension)).to.not.include("replicas");
  });

  it("bursty load: replicas follow the latest rate, requests the high percentile of the range", function () {
    const bursty = data(over({ pod: "p1" }, (i) => (i % 5 === 0 ? 2 : 0.1)));
    const out = analyze({ cpu_cores: bursty });
    // Latest point (i = 20) is a burst: 2000m / 400m = 5.
    expect(out.recommendations.find((r) => r.dimension === "replicas")?.target).to.equal(5);
    const values = [...Array(21).keys()].map((i) => (i % 5 === 0 ? 2 : 0.1));
    expect(out.recommendations.find((r) => r.dimension === "cpu")?.target).to.equal(
      Math.ceil(1000 * percentile(values, 0.9) * 1.15),
    );
  });

  it("stale data (nothing in the last two steps) gives no replica recommendation", function () {
    const stale = data(over({ pod: "p1" }, (i) => (i < 15 ? 0.5 : null)));
    const out = analyze({ cpu_cores: stale });
    expect(out.unknown.find((u) => u.dimension === "replicas")?.why).to.match(/stale/);
  });

  it("a pod replaced mid-range (its counter restarted under a new pod name): the latest total counts live pods only", function () {
    // Prometheus' rate() already corrects a reset within one series; a restarted pod is a
    // new series: the old one ends, the new one starts, and coverage is their union.
    const old = over({ pod: "old" }, (i) => (i <= 10 ? 0.8 : null));
    const fresh = over({ pod: "new" }, (i) => (i >= 11 ? 0.3 : null));
    const r = rec({ cpu_cores: data(old, fresh) }, "replicas");
    expect(r?.target).to.equal(1); // 300m / 400m
    expect(r?.inputs["cpu_cores"]).to.equal(0.3);
    expect(r?.confidence).to.equal(1);
  });

  it("raises memory after an OOM kill is seen", function () {
    const oom = data(series({ pod: "p1" }, [1], end));
    const plain = rec({ memory_bytes: memory }, "memory")?.target ?? 0;
    const bumped = rec({ memory_bytes: memory, oom_events: oom }, "memory");
    expect(bumped?.target).to.be.greaterThan(plain);
    expect(bumped?.basis).to.include("OOM kill seen");
  });
});
