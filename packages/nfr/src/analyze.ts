// One component's analysis: its signals (already split per component) become
// recommendations for replicas, cpu and memory, each with its basis and confidence, or
// an "unknown" saying why not. Unknown inputs never count as zero.
import { cpuMetric, memoryMetric } from "./queries.ts";
import { fmt, replicasFromLoad, type Load } from "./replicas.ts";
import {
  cpuRequestMillicores,
  cpuRequestPolicy,
  memoryRequestBytes,
  memoryRequestPolicy,
} from "./resources.ts";
import { coverage, expectedSamples, percentile } from "./stats.ts";
import type {
  Analysis,
  AnalysisSettings,
  ComponentSignals,
  EnforcementDimension,
  NfrRecommendation,
  NfrRequirements,
  QueryWindow,
  Recommendation,
  Series,
  SignalData,
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
  const out: Analysis = { recommendations: [], unknown: [] };
  const name = input.signals.component.name;
  for (const result of [replicas(input), cpu(input), memory(input)]) {
    if ("why" in result) out.unknown.push({ component: name, ...result });
    else out.recommendations.push({ component: name, ...result });
  }
  return out;
}

type Result = Omit<NfrRecommendation, "component"> | { dimension: EnforcementDimension; why: string };

function replicas(input: AnalyzeInput): Result {
  const dimension = "replicas";
  const { signals, requirements, window, settings } = input;
  const s = signals.signals;
  const cpu = latest(s.cpu_cores, window, "cpu");
  if ("why" in cpu) return { dimension, why: cpu.why };
  const inputs: Record<string, number> = { cpu_cores: cpu.value };
  const covered = [cpu.coverage];
  const load: Load = { cpuCores: cpu.value };
  const needRps = requirements.min_throughput_rps !== undefined || requirements.max_latency_ms !== undefined;
  let rpsLatest: Latest | undefined;
  if (needRps) {
    rpsLatest = latest(s.rps, window, "rps");
    if ("why" in rpsLatest) return { dimension, why: rpsLatest.why };
    load.rps = inputs["rps"] = rpsLatest.value;
    covered.push(rpsLatest.coverage);
  }
  if (requirements.max_latency_ms !== undefined) {
    const p99 = latest(s.p99_latency_ms, window, "p99 latency");
    if (!("why" in p99)) {
      load.p99Ms = inputs["p99_latency_ms"] = p99.value;
      covered.push(p99.coverage);
    } else if (!(rpsLatest !== undefined && !("why" in rpsLatest) && rpsLatest.value === 0)) {
      // No p99 while requests flow is a gap in the data, not "fast enough".
      return { dimension, why: p99.why };
    }
  }
  const result = replicasFromLoad(load, requirements, settings.cpuPerPodMillicores);
  const cov = Math.min(...covered);
  const basis = `${result.because.join("; ")}; latest values at ${iso(cpu.at)} (rate over ${settings.rateWindow}); ${coverageText(cov, window)}`;
  return { dimension, target: result.target, basis, confidence: confidenceOf(cov), coverage: cov, inputs };
}

function cpu(input: AnalyzeInput): Result {
  const dimension = "cpu";
  const data = input.signals.signals.cpu_cores;
  if (data === undefined || data.status === "unknown") return { dimension, why: `cpu: ${whyUnknown(data)}` };
  const values = finiteValues(data.series, input.window);
  const target = cpuRequestMillicores(values);
  if (Number.isNaN(target)) return { dimension, why: "cpu: no finite sample in the range" };
  const p = percentile(values, cpuRequestPolicy.percentile);
  const cov = coverage(data.series, input.window);
  const basis =
    `p${cpuRequestPolicy.percentile * 100} of ${values.length} per-pod samples of ${cpuMetric} rate over ${input.settings.rateWindow} ` +
    `= ${fmt(p * 1000)}m, +${cpuRequestPolicy.margin * 100}% -> ${target}m (floor ${cpuRequestPolicy.floorMillicores}m); ${coverageText(cov, input.window)}`;
  return {
    dimension,
    target,
    basis,
    confidence: confidenceOf(cov),
    coverage: cov,
    inputs: { cpu_cores_percentile: p },
  };
}

function memory(input: AnalyzeInput): Result {
  const dimension = "memory";
  const data = input.signals.signals.memory_bytes;
  if (data === undefined || data.status === "unknown")
    return { dimension, why: `memory: ${whyUnknown(data)}` };
  const values = finiteValues(data.series, input.window);
  const oom = input.signals.signals.oom_events;
  const oomKilled =
    oom?.status === "known" && oom.series.some((s) => s.samples.some((p) => Number.isFinite(p.v) && p.v > 0));
  const target = memoryRequestBytes(values, oomKilled);
  if (Number.isNaN(target)) return { dimension, why: "memory: no finite sample in the range" };
  const p = percentile(values, memoryRequestPolicy.percentile);
  const cov = coverage(data.series, input.window);
  const oomText = oomKilled
    ? `; OOM kill seen: at least peak x ${memoryRequestPolicy.oomBumpRatio} or peak + 100Mi`
    : oom?.status === "known"
      ? "; no OOM kill seen"
      : "";
  const basis =
    `p${memoryRequestPolicy.percentile * 100} of ${values.length} per-pod samples of ${memoryMetric} ` +
    `= ${fmt(p / mib)}Mi, +${memoryRequestPolicy.margin * 100}% -> ${fmt(target / mib)}Mi (floor ${memoryRequestPolicy.floorBytes / mib}Mi)${oomText}; ${coverageText(cov, input.window)}`;
  return {
    dimension,
    target,
    basis,
    confidence: confidenceOf(cov),
    coverage: cov,
    inputs: { memory_bytes_percentile: p, oom_killed: oomKilled ? 1 : 0 },
  };
}

type Latest = { value: number; at: number; coverage: number } | { why: string };

/**
 * The component's total at the newest step with a finite point, no older than two
 * steps before the window's end (older is stale: unknown). Several series (pods) are
 * summed at that step.
 */
function latest(data: SignalData | undefined, window: QueryWindow, what: string): Latest {
  if (data === undefined || data.status === "unknown") return { why: `${what}: ${whyUnknown(data)}` };
  let at = -Infinity;
  for (const s of data.series) for (const p of s.samples) if (Number.isFinite(p.v) && p.t > at) at = p.t;
  if (at < window.endMs - 2 * window.stepMs) {
    return { why: `${what}: stale (newest point ${Number.isFinite(at) ? iso(at) : "none"})` };
  }
  let value = 0;
  for (const s of data.series) {
    const point = s.samples.find((p) => p.t === at);
    if (point !== undefined && Number.isFinite(point.v)) value += point.v;
  }
  return { value, at, coverage: coverage(data.series, window) };
}

function whyUnknown(data: SignalData | undefined): string {
  return data === undefined ? "not queried" : data.status === "unknown" ? data.why : "";
}

function finiteValues(series: Series[], window: QueryWindow): number[] {
  const out: number[] = [];
  for (const s of series)
    for (const p of s.samples)
      if (Number.isFinite(p.v) && p.t >= window.startMs && p.t <= window.endMs) out.push(p.v);
  return out;
}

/** Coverage rounded down to hundredths: 0.499 stays under 0.5. */
function confidenceOf(cov: number): number {
  return Math.floor(cov * 100) / 100;
}

function coverageText(cov: number, window: QueryWindow): string {
  const expected = expectedSamples(window);
  return `coverage ${Math.floor(cov * 100)}% of ${expected} points every ${window.stepMs / 1000}s over ${(window.endMs - window.startMs) / 1000}s`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const mib = 1024 * 1024;

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
