// The checks that depend on the clock: the stability window (HPA's stabilization: a
// change is made only when every recommendation of the window asks for it, and then the
// most conservative of them) and the cooldown since the last applied change.
// https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#stabilization-window
import {
  knativeCooldownFactor,
  scaleUpCooldownFraction,
  secs,
  type Check,
  type DecisionInput,
} from "./check-input.ts";

/**
 * Holds until the recommendations have stayed on one side of the current value (all
 * above, or all below) for the stability window, counted from the first point of that
 * run. Then the value is, for a scale-up, the lowest target of the window, for a
 * scale-down the highest (every point asked for at least that change). A target equal to
 * the current value passes unchanged (nothing to do). A flapping target restarts the run.
 */
export const stabilityCheck: Check = (input, value) => {
  const history = input.state?.history ?? [];
  const window = input.settings.stabilityMs;
  const current = input.current ?? value;
  const newest = history[history.length - 1];
  if (newest === undefined) {
    return {
      check: "stability",
      verdict: "hold",
      reason: `stability 0/${secs(window)} s (no recommendation seen yet)`,
      nextEligibleAtMs: input.nowMs + window,
      value,
    };
  }
  const side = Math.sign(newest.target - current);
  if (side === 0) {
    return {
      check: "stability",
      verdict: "pass",
      reason: "recommendation equals the value in force",
      value: current,
    };
  }
  let start = history.length - 1;
  while (start > 0 && Math.sign((history[start - 1]?.target ?? current) - current) === side) start--;
  const heldSince = history[start]?.atMs ?? input.nowMs;
  const held = input.nowMs - heldSince;
  const direction = side > 0 ? "up" : "down";
  if (held < window) {
    return {
      check: "stability",
      verdict: "hold",
      reason: `stability ${secs(held)}/${secs(window)} s (scale ${direction} asked since ${new Date(heldSince).toISOString()})`,
      nextEligibleAtMs: heldSince + window,
      value: newest.target,
    };
  }
  const inWindow = history.slice(start).filter((p) => p.atMs >= input.nowMs - window);
  const targets = (inWindow.length > 0 ? inWindow : [newest]).map((p) => p.target);
  const stable = side > 0 ? Math.min(...targets) : Math.max(...targets);
  return {
    check: "stability",
    verdict: "pass",
    reason: `stable for ${secs(held)} s: ${side > 0 ? "lowest" : "highest"} target of the last ${secs(window)} s is ${stable}`,
    value: stable,
  };
};

/** The cooldown that applies to a change of `input`'s dimension in this direction. */
export function cooldownMs(input: DecisionInput, up: boolean): number {
  const base = input.settings.cooldownMs;
  if (input.recommendation.dimension !== "replicas") return base;
  const directional = up ? base * scaleUpCooldownFraction : base;
  return input.replicaTarget === "knative" ? directional * knativeCooldownFactor : directional;
}

/**
 * Holds while the last applied change is more recent than the cooldown: the full
 * OPRC_CRM_ENFORCEMENT_COOLDOWN_SECS before a scale-down or a cpu/memory change, a
 * quarter of it before a scale-up, twice as long on Knative (each change is a revision).
 */
export const cooldownCheck: Check = (input, value) => {
  const last = input.state?.lastApplied;
  if (last === undefined)
    return { check: "cooldown", verdict: "pass", reason: "no change applied before", value };
  const up = value > (input.current ?? value);
  const wait = cooldownMs(input, up);
  const elapsed = input.nowMs - last.atMs;
  if (elapsed >= wait) {
    return { check: "cooldown", verdict: "pass", reason: `cooldown ${secs(wait)} s passed`, value };
  }
  return {
    check: "cooldown",
    verdict: "hold",
    reason: `cooldown ${secs(elapsed)}/${secs(wait)} s since ${last.from} -> ${last.to}`,
    nextEligibleAtMs: last.atMs + wait,
    value,
  };
};
