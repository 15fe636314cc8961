// The shapes every part of the NFR policy shares: components, Prometheus samples, what
// a query returned (or why nothing is known), recommendations, decisions and settings.
// Units are in the field names or their comments; every time is milliseconds since the
// Unix epoch (the caller's clock: this package never reads one).
import type { EnforcementDimension, Recommendation } from "@oaas/crd";

export type { EnforcementDimension, EnforcementMode, NfrRequirements, Recommendation } from "@oaas/crd";

/** What kind of part of a record a component is. */
export type ComponentKind = "function" | "odgm";
/** How a function runs: a Deployment (dev/edge/full templates) or a Knative Service. */
export type Runtime = "deployment" | "knative";

/**
 * One separately measured part of one record: each function workload on its own, the
 * ODGM addon on its own. Built by `componentsOf` from a DeploymentRecord.
 */
export interface ComponentRef {
  /** DeploymentRecord name. */
  record: string;
  namespace: string;
  kind: ComponentKind;
  /** The status name of the component: the function key, or "odgm". */
  name: string;
  /** Function key (kind "function" only). */
  functionKey?: string;
  /** "knative" only for a function on the knative template; ODGM is always a Deployment. */
  runtime: Runtime;
  /** Workload name: the Deployment, or the Knative Service (= Knative's configuration_name). */
  workload: string;
}

/** The signals the analyzer reads. */
export type Signal = "rps" | "p99_latency_ms" | "cpu_cores" | "memory_bytes" | "oom_events";

/** One point of a Prometheus series. `v` may be NaN (kept: NaN is unknown, never zero). */
export interface Sample {
  /** ms since epoch */
  t: number;
  v: number;
}

/** One Prometheus series: its labels and its points in time order (one point for an instant query). */
export interface Series {
  labels: Record<string, string>;
  samples: Sample[];
}

/** What one query gave: series (possibly none), or a failure in words (down, HTTP 500, timeout...). */
export type QueryOutcome = { ok: true; series: Series[] } | { ok: false; error: string };

/** The time range a range query covered: [startMs, endMs] every stepMs. */
export interface QueryWindow {
  startMs: number;
  endMs: number;
  stepMs: number;
}

/**
 * One signal of one component after the split. `known`: the series that belong to the
 * component (per pod for cpu/memory/oom, one series for rps/latency), never empty.
 * `unknown`: why nothing can be said (query failed, no series, only NaN) — never zero.
 */
export type SignalData =
  { status: "known"; series: Series[]; query: string } | { status: "unknown"; why: string; query?: string };

/** Every signal of one component for one analysis (absent signal = not queried = unknown). */
export interface ComponentSignals {
  component: ComponentRef;
  signals: Partial<Record<Signal, SignalData>>;
}

/**
 * A recommendation with what the status shape leaves out. `target` units: replicas
 * (count), cpu (millicores), memory (bytes). `basis`: the query, window and values used,
 * in words. `confidence` 0..1 falls with missing data (see `coverage`).
 */
export interface NfrRecommendation extends Recommendation {
  /** samples seen / samples expected over the range, of the least covered input, 0..1. */
  coverage: number;
  /** The numbers the target came from, by name (e.g. { cpu_cores: 1.2, rps: 40 }). */
  inputs: Record<string, number>;
}

/** A signal that gave no recommendation, and why (for explain and the NfrObserved message). */
export interface Unknown {
  component: string;
  dimension: EnforcementDimension;
  why: string;
}

/** What one component's analysis produced. */
export interface Analysis {
  recommendations: NfrRecommendation[];
  unknown: Unknown[];
}

/** The analyzer's settings (from @oaas/config via `nfrSettings`). */
export interface AnalysisSettings {
  /** PromQL duration text of rate()/histogram windows, e.g. "1m" (OPRC_CRM_PROM_RATE_WINDOW). */
  rateWindow: string;
  /** Range of range queries, ms (OPRC_CRM_PROM_RANGE). */
  rangeMs: number;
  /** Step of range queries, ms (OPRC_CRM_PROM_STEP). */
  stepMs: number;
  /** Millicores assumed requested per function pod (OPRC_CRM_REQ_CPU_PER_POD_M). */
  cpuPerPodMillicores: number;
}

/** The enforcer's safeguards (from @oaas/config via `nfrSettings`). */
export interface EnforcementSettings {
  /** OPRC_CRM_FEATURES_NFR_ENFORCEMENT: the global gate. */
  enabled: boolean;
  /** OPRC_CRM_ENFORCEMENT_STABILITY_SECS, in ms. */
  stabilityMs: number;
  /** OPRC_CRM_ENFORCEMENT_COOLDOWN_SECS, in ms: after a change, before a scale-down (or any cpu/memory change). */
  cooldownMs: number;
  /** OPRC_CRM_ENFORCEMENT_MAX_REPLICA_DELTA: percent of the current replicas one step may change (at least 1). */
  maxReplicaDeltaPct: number;
  /** OPRC_CRM_LIMITS_MAX_REPLICAS: hard cap (a function's max_scale wins when lower). */
  maxReplicas: number;
  /** OPRC_CRM_ENFORCEMENT_MIN_CONFIDENCE, 0..1: below it nothing is applied. */
  minConfidence: number;
}

export interface NfrSettings {
  analysis: AnalysisSettings;
  enforcement: EnforcementSettings;
}

/** Where a replica change is written: decides the cooldown (Knative: every change is a new revision). */
export type ReplicaTarget = "hpa" | "knative" | "deployment";

/** What the user fixed for a component; explicit values win over any recommendation. */
export interface UserBounds {
  /** provision_config.min_scale when set: a floor. */
  minScale?: number;
  /** provision_config.max_scale when set and > 0: a cap. */
  maxScale?: number;
  /** provision_config.cpu_request or cpu_limit set: cpu is never replaced. */
  explicitCpu?: boolean;
  /** provision_config.memory_request or memory_limit set: memory is never replaced. */
  explicitMemory?: boolean;
}

/** One check's answer. `adjust`: passes with a changed value (cap, floor, bounded delta). */
export type Verdict = "pass" | "hold" | "adjust";

export type CheckName =
  | "global"
  | "mode"
  | "dimension"
  | "current"
  | "ownership"
  | "confidence"
  | "stability"
  | "partial"
  | "bounds"
  | "hysteresis"
  | "cooldown"
  | "delta";

export interface CheckResult {
  check: CheckName;
  verdict: Verdict;
  /** For a person, e.g. "stability 120/180 s". */
  reason: string;
  /** ms since epoch when this check could pass, when it depends on time. */
  nextEligibleAtMs?: number;
  /** The value after this check (adjust), or unchanged. */
  value?: number;
}

/** The enforcer's verdict for one component and dimension. */
export interface Decision {
  component: string;
  dimension: EnforcementDimension;
  /** Value in force now; undefined when not known (then nothing is applied). */
  current: number | undefined;
  /** The analyzer's latest target. */
  recommended: number;
  /** apply = write `value`; hold = write nothing. */
  verdict: "apply" | "hold";
  /** What would be written (apply), or what the chain arrived at before a hold. */
  value: number | undefined;
  checks: CheckResult[];
  /** ms since epoch; when the holds that depend on time all pass (absent: not time-bound). */
  nextEligibleAtMs?: number;
  /** One line: "applied replicas 2 -> 3" or "held: stability 120/180 s; next eligible at 12:04:10Z". */
  summary: string;
}

/** One point of a dimension's recent recommendations (the stability window). */
export interface HistoryPoint {
  atMs: number;
  target: number;
  confidence: number;
}

/** The last change the enforcer applied to one component and dimension. */
export interface AppliedChange {
  atMs: number;
  from: number;
  to: number;
}

/** The enforcer's durable memory for one component and dimension (plain JSON). */
export interface DimensionState {
  /** Recent recommendations, oldest first, pruned to what the stability window needs. */
  history: HistoryPoint[];
  /** When the current target was first seen (reset when the target changes). */
  firstSeen?: { target: number; atMs: number };
  lastApplied?: AppliedChange;
}

/**
 * The enforcer's durable state for one record, as plain JSON (Redis value or status
 * field). Keys are `${component}/${dimension}` (see `stateKey`).
 */
export interface EnforcerState {
  version: 1;
  /** ms since epoch of the newest analysis observed (observe is idempotent per analysis). */
  analyzedAtMs?: number;
  dimensions: Record<string, DimensionState>;
}
