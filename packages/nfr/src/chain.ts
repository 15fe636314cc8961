// The enforcement decision as a chain of pure checks, in order: global flag, record
// mode, dimension, ownership (ODGM replicas observe-only, explicit user requests win),
// confidence, stability window, partial data, bounds (user floor, cap), hysteresis,
// cooldown, bounded delta. Each returns verdict + reason + when it could pass; `decide`
// runs them all (so explain shows every reason) and applies only when none holds.
import type {
  CheckName,
  CheckResult,
  ComponentKind,
  Decision,
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

/** The chain, in the order decide runs it. */
export const chain: readonly { name: CheckName; check: Check }[] = [];

/**
 * The decision for one component and dimension. Runs every check (value threaded
 * through adjust results); verdict apply only when no check holds and the value differs
 * from `current`. nextEligibleAtMs = the latest time-bound hold's time; summary e.g.
 * "held: stability 120/180 s; next eligible at 2026-12-07T12:04:10Z".
 */
export function decide(input: DecisionInput): Decision {
  throw new Error(`not yet: decide(${input.recommendation.component}, ${input.recommendation.dimension})`);
}
