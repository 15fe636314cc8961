// What every enforcement check reads, and the fixed safeguard constants (the tunable ones
// are settings: EnforcementSettings). Shared by the checks and chain.ts.
import type {
  CheckResult,
  ComponentKind,
  DimensionState,
  EnforcementDimension,
  EnforcementMode,
  EnforcementSettings,
  Recommendation,
  ReplicaTarget,
  UserBounds,
} from "./types.ts";

/** Hysteresis: a change within this fraction of the current value is not made. */
export const hysteresisFraction = 0.1;
/** A scale-up's cooldown is this fraction of OPRC_CRM_ENFORCEMENT_COOLDOWN_SECS (HPA scales up sooner than down). */
export const scaleUpCooldownFraction = 0.25;
/** Knative min-scale: every change is a new revision, so its cooldown is this many times longer. */
export const knativeCooldownFactor = 2;
/** A scale-down (or resource decrease) needs data this complete (confidence): HPA never scales down on partial data. */
export const scaleDownMinConfidence = 0.95;

/** Everything one decision needs; `nowMs` is the caller's clock. */
export interface DecisionInput {
  nowMs: number;
  settings: EnforcementSettings;
  /** spec.nfr.enforcement with defaults (components.ts enforcementOf). */
  enforcement: { mode: EnforcementMode; dimensions: readonly EnforcementDimension[] };
  componentKind: ComponentKind;
  /** The analyzer's latest recommendation for this component and dimension. */
  recommendation: Recommendation;
  /** Value in force now (replicas / millicores / bytes); undefined when unknown (then hold). */
  current: number | undefined;
  /** Where replicas are written (cooldown length); ignored for cpu/memory. */
  replicaTarget?: ReplicaTarget;
  user: UserBounds;
  /** The dimension's durable state (state.ts); undefined = never observed. */
  state: DimensionState | undefined;
}

/** One check: the input and the value arrived at so far -> its result. */
export type Check = (input: DecisionInput, value: number) => CheckResult;

/** Seconds for a reason text, whole. */
export function secs(ms: number): number {
  return Math.floor(ms / 1000);
}
