// The enforcement decision as a chain of pure checks, in order: global flag, record
// mode, dimension, known current value, ownership (ODGM replicas observe-only, explicit
// user requests win), confidence, stability window, partial data, bounds (user floor,
// cap), hysteresis, cooldown, bounded delta. Each returns verdict + reason + when it
// could pass; `decide` runs them all (so explain shows every reason) and applies only
// when none holds.
import { type Check, type DecisionInput } from "./check-input.ts";
import {
  confidenceCheck,
  currentCheck,
  dimensionCheck,
  globalCheck,
  modeCheck,
  ownershipCheck,
} from "./checks-gate.ts";
import { cooldownCheck, stabilityCheck } from "./checks-time.ts";
import { boundsCheck, deltaCheck, hysteresisCheck, partialCheck } from "./checks-value.ts";
import type { CheckName, CheckResult, Decision } from "./types.ts";

export {
  hysteresisFraction,
  scaleUpCooldownFraction,
  knativeCooldownFactor,
  scaleDownMinConfidence,
  type Check,
  type DecisionInput,
} from "./check-input.ts";
export { cooldownMs } from "./checks-time.ts";

/** The chain, in the order decide runs it. */
export const chain: readonly { name: CheckName; check: Check }[] = [
  { name: "global", check: globalCheck },
  { name: "mode", check: modeCheck },
  { name: "dimension", check: dimensionCheck },
  { name: "current", check: currentCheck },
  { name: "ownership", check: ownershipCheck },
  { name: "confidence", check: confidenceCheck },
  { name: "stability", check: stabilityCheck },
  { name: "partial", check: partialCheck },
  { name: "bounds", check: boundsCheck },
  { name: "hysteresis", check: hysteresisCheck },
  { name: "cooldown", check: cooldownCheck },
  { name: "delta", check: deltaCheck },
];

/**
 * The decision for one component and dimension. Runs every check (value threaded
 * through adjust results); verdict apply only when no check holds and the value differs
 * from `current`. nextEligibleAtMs = the latest time of the holds, when every hold is
 * time-bound; summary e.g. "held: stability 120/180 s; next eligible at 2026-12-07T12:04:10.000Z".
 */
export function decide(input: DecisionInput): Decision {
  const { component, dimension, target } = input.recommendation;
  const checks: CheckResult[] = [];
  let value = target;
  for (const { check } of chain) {
    const result = check(input, value);
    checks.push(result);
    if (result.value !== undefined) value = result.value;
  }
  const holds = checks.filter((c) => c.verdict === "hold");
  const base = { component, dimension, current: input.current, recommended: target, checks, value };
  if (holds.length === 0 && value !== input.current) {
    return { ...base, verdict: "apply", summary: `apply ${dimension} ${String(input.current)} -> ${value}` };
  }
  const timed = holds.every((h) => h.nextEligibleAtMs !== undefined) && holds.length > 0;
  const next = timed ? Math.max(...holds.map((h) => h.nextEligibleAtMs ?? 0)) : undefined;
  const reasons = holds.map((h) => h.reason).join("; ");
  const when = next === undefined ? "" : `; next eligible at ${new Date(next).toISOString()}`;
  return {
    ...base,
    verdict: "hold",
    ...(next === undefined ? {} : { nextEligibleAtMs: next }),
    summary: `held: ${reasons}${when}`,
  };
}
