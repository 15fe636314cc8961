// Decide step of the enforcer: one @oaas/nfr DecisionInput per recommendation, built from
// the record, what the gather step read and the stored state, and the chain's decision.
// The enforcer's job handler and `crm nfr explain` use this same function, so explain
// shows exactly what a run would do. Pure.
import type { DeploymentRecord } from "@oaas/crd";
import {
  decide,
  dimensionState,
  enforcementOf,
  userBoundsOf,
  type Decision,
  type DecisionInput,
  type EnforcementSettings,
  type EnforcerState,
  type Recommendation,
} from "@oaas/nfr";
import type { LiveComponent } from "./workloads.ts";

/** Why recommendations are not current (the analyzer's NfrObserved is not True), or undefined. */
export function staleAnalysis(record: DeploymentRecord): string | undefined {
  const observed = record.status?.conditions?.find((c) => c.type === "NfrObserved");
  if (observed === undefined) return "no analysis yet (no NfrObserved condition)";
  if (observed.status === "True") return undefined;
  return `the last analysis failed (NfrObserved=${observed.status}, ${observed.reason}: ${observed.message})`;
}

export interface DecideContext {
  record: DeploymentRecord;
  live: readonly LiveComponent[];
  state: EnforcerState;
  settings: EnforcementSettings;
  nowMs: number;
}

/** The chain's input for one recommendation, or undefined when its component is not part of the record. */
export function decisionInput(ctx: DecideContext, recommendation: Recommendation): DecisionInput | undefined {
  const live = ctx.live.find((l) => l.component.name === recommendation.component);
  if (live === undefined) return undefined;
  const input: DecisionInput = {
    nowMs: ctx.nowMs,
    settings: ctx.settings,
    enforcement: enforcementOf(ctx.record),
    componentKind: live.component.kind,
    recommendation,
    current: live.current[recommendation.dimension],
    user: userBoundsOf(ctx.record, live.component),
    state: dimensionState(ctx.state, recommendation.component, recommendation.dimension),
  };
  if (live.replicaTarget !== undefined) input.replicaTarget = live.replicaTarget;
  return input;
}

/**
 * The decision for every recommendation of the record. When the analysis is not current
 * (`stale`), every recommendation is taken at confidence 0, so the chain holds them all
 * (never a change, least of all a scale-down, on data that failed to arrive) and the
 * summary says why.
 */
export function decideAll(ctx: DecideContext, stale: string | undefined): Decision[] {
  const out: Decision[] = [];
  for (const recommendation of ctx.record.status?.nfr_recommendations ?? []) {
    const taken = stale === undefined ? recommendation : { ...recommendation, confidence: 0 };
    const input = decisionInput(ctx, taken);
    if (input === undefined) continue;
    const decision = decide(input);
    if (stale === undefined) {
      out.push(decision);
      continue;
    }
    // Not time-bound: the next analysis decides when it can pass.
    const held: Decision = { ...decision, verdict: "hold", summary: `held: ${stale}` };
    delete held.nextEligibleAtMs;
    out.push(held);
  }
  return out;
}
