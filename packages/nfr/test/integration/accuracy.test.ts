// Accuracy on a real Prometheus: series from a seeded distribution are backfilled
// (promtool tsdb create-blocks-from openmetrics) hours back, and the whole analysis
// (plan per namespace -> Prometheus -> split -> analyze) runs with that time as its
// clock. Checks: the CPU request within 5 % of percentile + margin computed from the
// same samples; replicas exactly as the formula gives over 50 seeded scenarios; data
// covering under half the range never reaches the enforcement confidence.
import { expect } from "chai";
import fs from "node:fs";
import { backfilledDataDir, startTestPrometheus, type TestPrometheus } from "@oaas/testkit";
import { PromClient } from "@oaas/prom";
import {
  analyzeComponent,
  componentsOf,
  cpuRequestPolicy,
  decide,
  gatherSignals,
  percentile,
  planQueries,
  replicasFromLoad,
  requirementsFor,
  type Analysis,
  type ComponentRef,
  type NfrRequirements,
  type QueryWindow,
} from "../../src/index.ts";
import type { DeploymentRecord } from "@oaas/crd";
import { enforcement, record, withFunction } from "../unit/fixtures.ts";

const scrapeMs = 15_000;
const settings = { rateWindow: "1m", rangeMs: 600_000, stepMs: 30_000, cpuPerPodMillicores: 500 };
// The analysis clock: a whole minute three hours back.
const end = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 3_600_000;
const window: QueryWindow = { startMs: end - settings.rangeMs, endMs: end, stepMs: settings.stepMs };
const seriesStart = end - 15 * 60_000;
const times: number[] = [];
for (let t = seriesStart; t <= end; t += scrapeMs) times.push(t);

/** mulberry32: a small seeded PRNG, so every run sees the same scenarios. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** OpenMetrics lines grouped by family, then series, then time (the order the backfill wants). */
class Families {
  private readonly byFamily = new Map<string, Map<string, string[]>>();
  add(family: string, labels: string, t: number, v: number): void {
    const series = this.byFamily.get(family) ?? new Map<string, string[]>();
    this.byFamily.set(family, series);
    const lines = series.get(labels) ?? [];
    series.set(labels, lines);
    lines.push(`${family}{${labels}} ${v} ${t / 1000}`);
  }
  text(): string {
    const out: string[] = [];
    for (const series of this.byFamily.values()) for (const lines of series.values()) out.push(...lines);
    return `${out.join("\n")}\n# EOF\n`;
  }
}

const buckets = [0.05, 0.1, 0.25, 0.5, 1];

interface Scenario {
  record: DeploymentRecord;
  pods: number;
  cpuCores: number;
  rps: number;
  /** Upper bound index into `buckets` holding every request. */
  bucket: number;
  requirements: NfrRequirements;
}

function podLabels(
  f: Families,
  ns: string,
  pod: string,
  owner: string,
  fn: string,
  from = seriesStart,
): void {
  for (const t of times)
    if (t >= from)
      f.add(
        "kube_pod_labels",
        `namespace="${ns}",pod="${pod}",label_oaas_io_owner="${owner}",label_oaas_io_component="function",label_oaas_io_function="${fn}"`,
        t,
        1,
      );
}

function counter(
  f: Families,
  family: string,
  labels: string,
  perSecond: (t: number) => number,
  from = seriesStart,
): void {
  let value = 0;
  for (const t of times) {
    if (t < from) continue;
    f.add(family, labels, t, value);
    value += perSecond(t) * (scrapeMs / 1000);
  }
}

function scenarios(f: Families): Scenario[] {
  const rand = prng(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const out: Scenario[] = [];
  for (let i = 0; i < 50; i++) {
    const name = `s${String(i).padStart(2, "0")}`;
    const requirements: NfrRequirements = {};
    const target = pick([undefined, 0.5, 0.6, 0.7, 0.9]);
    if (target !== undefined) requirements.cpu_utilization_target = target;
    if (rand() < 0.5) requirements.min_throughput_rps = Math.round(10 + rand() * 790);
    const latency = pick([undefined, 100, 300]);
    if (latency !== undefined) requirements.max_latency_ms = latency;
    const s: Scenario = {
      record: record(name, withFunction("fn", {}, requirements)),
      pods: 1 + Math.floor(rand() * 4),
      cpuCores: Math.round((0.05 + rand() * 6) * 1000) / 1000,
      rps: i % 10 === 0 ? 0 : Math.round(rand() * 4000) / 10,
      bucket: Math.floor(rand() * buckets.length),
      requirements,
    };
    out.push(s);
    for (let p = 0; p < s.pods; p++) {
      const pod = `${name}-fn-${p}`;
      podLabels(f, "ns1", pod, name, "fn");
      counter(
        f,
        "container_cpu_usage_seconds_total",
        `namespace="ns1",pod="${pod}",container="fn"`,
        () => s.cpuCores / s.pods,
      );
      for (const t of times)
        f.add(
          "container_memory_working_set_bytes",
          `namespace="ns1",pod="${pod}",container="fn"`,
          t,
          100_000_000,
        );
    }
    const app = `namespace="ns1",oaas_io_owner="${name}",oaas_io_function="fn"`;
    counter(f, "http_server_requests_seconds_count", app, () => s.rps);
    for (const [j, le] of [...buckets.map(String), "+Inf"].entries()) {
      counter(f, "http_server_requests_seconds_bucket", `${app},le="${le}"`, () =>
        j >= s.bucket ? s.rps : 0,
      );
    }
  }
  return out;
}

/** The noisy CPU record: 3 pods, usage drawn per scrape interval; also returns the counters written. */
function noisy(f: Families): { record: DeploymentRecord; counters: Map<string, Map<number, number>> } {
  const rand = prng(7);
  const counters = new Map<string, Map<number, number>>();
  for (let p = 0; p < 3; p++) {
    const pod = `acc-fn-${p}`;
    podLabels(f, "ns2", pod, "acc", "fn");
    const written = new Map<number, number>();
    counters.set(pod, written);
    let value = 0;
    for (const t of times) {
      f.add("container_cpu_usage_seconds_total", `namespace="ns2",pod="${pod}",container="fn"`, t, value);
      written.set(t, value);
      // Mostly 0.2-0.4 cores with bursts to ~1.5: a skewed distribution.
      const cores = rand() < 0.15 ? 0.8 + rand() * 0.7 : 0.2 + rand() * 0.2;
      value += cores * (scrapeMs / 1000);
    }
  }
  return { record: record("acc", withFunction("fn"), (r) => (r.metadata.namespace = "ns2")), counters };
}

/** Records whose series cover only the last `fraction` of the range. */
function sparse(f: Families): { record: DeploymentRecord; fraction: number }[] {
  return [0.1, 0.2, 0.3, 0.4, 0.45].map((fraction, i) => {
    const name = `sp${i}`;
    const from = end - Math.floor((fraction * settings.rangeMs) / scrapeMs) * scrapeMs;
    const pod = `${name}-fn-0`;
    podLabels(f, "ns3", pod, name, "fn", from);
    counter(
      f,
      "container_cpu_usage_seconds_total",
      `namespace="ns3",pod="${pod}",container="fn"`,
      () => 0.9,
      from,
    );
    return { record: record(name, withFunction("fn"), (r) => (r.metadata.namespace = "ns3")), fraction };
  });
}

describe("nfr: accuracy on a real Prometheus (backfilled series)", function () {
  this.timeout(300_000);
  const families = new Families();
  const all = scenarios(families);
  const acc = noisy(families);
  const holes = sparse(families);
  let prom: TestPrometheus | undefined;
  let dataDir: string | undefined;
  let client: PromClient;

  before(async function () {
    dataDir = backfilledDataDir(families.text());
    prom = await startTestPrometheus({ dataDir });
    client = new PromClient({ url: prom.url, timeoutMs: 10_000 });
  });
  after(async function () {
    await prom?.stop();
    if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** One namespace's cycle, as the analyzer runs it: one query per signal, split per component. */
  async function analyzeNamespace(
    namespace: string,
    records: DeploymentRecord[],
  ): Promise<Map<string, Analysis>> {
    const components: ComponentRef[] = records.flatMap((r) => componentsOf(r));
    const plan = planQueries(namespace, components, { rateWindow: settings.rateWindow, range: "10m" });
    expect(plan.length).to.be.at.most(5);
    const results = await Promise.all(
      plan.map(async (query) => ({ query, outcome: await client.run(query, window) })),
    );
    for (const r of results) expect(r.outcome.ok, r.outcome.ok ? "" : r.outcome.error).to.equal(true);
    const out = new Map<string, Analysis>();
    for (const signals of gatherSignals(components, results)) {
      const owner = records.find((r) => r.metadata.name === signals.component.record);
      if (owner === undefined) throw new Error("no record");
      const requirements = requirementsFor(owner, signals.component);
      out.set(signals.component.record, analyzeComponent({ signals, requirements, window, settings }));
    }
    return out;
  }

  it("replicas are exactly what the formula gives, over 50 seeded scenarios", async function () {
    const analyses = await analyzeNamespace(
      "ns1",
      all.map((s) => s.record),
    );
    let stepped = 0;
    let throughputBound = 0;
    for (const s of all) {
      const name = s.record.metadata.name;
      const lower = s.bucket === 0 ? 0 : (buckets[s.bucket - 1] ?? 0);
      const upper = buckets[s.bucket] ?? Infinity;
      // A histogram with every request in one bucket: Prometheus interpolates linearly;
      // in the +Inf bucket it answers the highest finite bound.
      const p99Ms = s.rps > 0 ? 1000 * (upper === Infinity ? lower : lower + (upper - lower) * 0.99) : NaN;
      const want = replicasFromLoad({ cpuCores: s.cpuCores, rps: s.rps, p99Ms }, s.requirements, 500);
      const got = analyses.get(name)?.recommendations.find((r) => r.dimension === "replicas");
      expect(
        got?.target,
        `${name}: ${JSON.stringify({ s: { ...s, record: undefined }, want, got })}`,
      ).to.equal(want.target);
      expect(got?.confidence, name).to.be.at.least(0.95);
      if (want.because.some((b) => b.endsWith("-> +1"))) stepped++;
      if ((s.requirements.min_throughput_rps ?? 0) > s.rps && s.rps > 0) throughputBound++;
    }
    // The scenarios exercise every term of the formula.
    expect(stepped, "scenarios with the latency step").to.be.greaterThan(3);
    expect(throughputBound, "scenarios bound by min_throughput_rps").to.be.greaterThan(3);
  });

  it("the CPU request is within 5 % of p90 + 15 % of the same samples", async function () {
    const analyses = await analyzeNamespace("ns2", [acc.record]);
    const got = analyses.get("acc")?.recommendations.find((r) => r.dimension === "cpu");
    // The per-pod rate over 1m at every step of the range, from the counters written.
    const samples: number[] = [];
    for (const written of acc.counters.values()) {
      for (let t = window.startMs; t <= window.endMs; t += window.stepMs) {
        const now = written.get(t);
        const before = written.get(t - 60_000);
        if (now !== undefined && before !== undefined) samples.push((now - before) / 60);
      }
    }
    expect(samples).to.have.length(63);
    const want = 1000 * percentile(samples, cpuRequestPolicy.percentile) * (1 + cpuRequestPolicy.margin);
    expect(got?.target).to.be.within(want * 0.95, want * 1.05);
    expect(got?.confidence).to.equal(1);
  });

  it("data covering under half the range never reaches the enforcement confidence", async function () {
    const analyses = await analyzeNamespace(
      "ns3",
      holes.map((h) => h.record),
    );
    const settingsNow = enforcement();
    for (const h of holes) {
      const recs = analyses.get(h.record.metadata.name)?.recommendations ?? [];
      expect(recs.length, h.record.metadata.name).to.be.greaterThan(0);
      for (const r of recs) {
        expect(r.confidence, `${h.record.metadata.name} ${r.dimension}`).to.be.below(0.5);
        const d = decide({
          nowMs: end,
          settings: settingsNow,
          enforcement: { mode: "enforce", dimensions: ["replicas", "cpu", "memory"] },
          componentKind: "function",
          recommendation: r,
          current: 1,
          user: {},
          state: { history: [{ atMs: end - 3_600_000, target: r.target, confidence: r.confidence }] },
        });
        expect(d.verdict).to.equal("hold");
        expect(d.checks.find((c) => c.check === "confidence")?.verdict).to.equal("hold");
      }
    }
  });
});
