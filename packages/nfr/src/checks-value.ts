// The checks that bound the value: no decrease on partial data, the user's floor and the
// replica cap, hysteresis around the current value, and the bounded step per change.
import { hysteresisFraction, scaleDownMinConfidence, type Check } from "./check-input.ts";

/** A decrease needs complete data (HPA never scales down on partial metrics). */
export const partialCheck: Check = (input, value) => {
  const down = input.current !== undefined && value < input.current;
  const { confidence } = input.recommendation;
  if (!down || confidence >= scaleDownMinConfidence)
    return {
      check: "partial",
      verdict: "pass",
      reason: down ? "complete data for a decrease" : "not a decrease",
      value,
    };
  return {
    check: "partial",
    verdict: "hold",
    reason: `a decrease needs complete data: confidence ${confidence} < ${scaleDownMinConfidence}`,
    value,
  };
};

/** Replicas only: at least min_scale (the user's floor), at most min(max_scale, OPRC_CRM_LIMITS_MAX_REPLICAS). */
export const boundsCheck: Check = (input, value) => {
  if (input.recommendation.dimension !== "replicas")
    return { check: "bounds", verdict: "pass", reason: "no bounds on requests", value };
  const { minScale, maxScale } = input.user;
  const cap = Math.min(maxScale ?? Infinity, input.settings.maxReplicas);
  const capText =
    maxScale !== undefined && maxScale < input.settings.maxReplicas
      ? `max_scale ${maxScale}`
      : `OPRC_CRM_LIMITS_MAX_REPLICAS ${input.settings.maxReplicas}`;
  if (minScale !== undefined && value < minScale)
    return {
      check: "bounds",
      verdict: "adjust",
      reason: `raised to the user's min_scale ${minScale}`,
      value: minScale,
    };
  if (value > cap)
    return { check: "bounds", verdict: "adjust", reason: `capped at ${cap} (${capText})`, value: cap };
  return { check: "bounds", verdict: "pass", reason: `within [${minScale ?? 1}, ${cap}]`, value };
};

/** Nothing to do when the value is the current one or within 10 % of it. */
export const hysteresisCheck: Check = (input, value) => {
  const current = input.current ?? value;
  if (value === current) return { check: "hysteresis", verdict: "hold", reason: `already ${current}`, value };
  const change = current === 0 ? Infinity : Math.abs(value - current) / current;
  if (change <= hysteresisFraction) {
    return {
      check: "hysteresis",
      verdict: "hold",
      reason: `${current} -> ${value} is within ${hysteresisFraction * 100}% of the current value`,
      value,
    };
  }
  return { check: "hysteresis", verdict: "pass", reason: `${current} -> ${value}`, value };
};

/** Replicas only: one change moves at most OPRC_CRM_ENFORCEMENT_MAX_REPLICA_DELTA percent of current, at least 1. */
export const deltaCheck: Check = (input, value) => {
  const current = input.current ?? value;
  if (input.recommendation.dimension !== "replicas")
    return { check: "delta", verdict: "pass", reason: "no step bound on requests", value };
  const pct = input.settings.maxReplicaDeltaPct;
  const step = Math.max(1, Math.floor((current * pct) / 100));
  if (Math.abs(value - current) <= step)
    return { check: "delta", verdict: "pass", reason: `step ${Math.abs(value - current)} <= ${step}`, value };
  const bounded = value > current ? current + step : current - step;
  return {
    check: "delta",
    verdict: "adjust",
    reason: `bounded to ${bounded} (${pct}% of ${current}, at least 1, per change)`,
    value: bounded,
  };
};
