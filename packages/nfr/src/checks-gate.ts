// The checks that decide whether a dimension may be enforced at all: the global flag,
// the record's mode and dimensions, a known current value, who owns the value
// (ODGM replicas are observe-only; explicit user requests/limits win), and confidence.
import type { Check } from "./check-input.ts";

export const globalCheck: Check = (input, value) =>
  input.settings.enabled
    ? { check: "global", verdict: "pass", reason: "enforcement on globally", value }
    : {
        check: "global",
        verdict: "hold",
        reason: "enforcement is off globally (OPRC_CRM_FEATURES_NFR_ENFORCEMENT=false): recommendations only",
        value,
      };

export const modeCheck: Check = (input, value) =>
  input.enforcement.mode === "enforce"
    ? { check: "mode", verdict: "pass", reason: "mode enforce", value }
    : {
        check: "mode",
        verdict: "hold",
        reason: `spec.nfr.enforcement.mode is ${input.enforcement.mode}: recommendations only`,
        value,
      };

export const dimensionCheck: Check = (input, value) => {
  const dimension = input.recommendation.dimension;
  return input.enforcement.dimensions.includes(dimension)
    ? { check: "dimension", verdict: "pass", reason: `dimension ${dimension} enforced`, value }
    : {
        check: "dimension",
        verdict: "hold",
        reason: `dimension ${dimension} not in spec.nfr.enforcement.dimensions [${input.enforcement.dimensions.join(", ")}]`,
        value,
      };
};

export const currentCheck: Check = (input, value) =>
  input.current === undefined
    ? { check: "current", verdict: "hold", reason: "the value in force is not known", value }
    : { check: "current", verdict: "pass", reason: `current ${input.current}`, value };

export const ownershipCheck: Check = (input, value) => {
  const { dimension } = input.recommendation;
  const hold = (reason: string) => ({ check: "ownership" as const, verdict: "hold" as const, reason, value });
  if (input.componentKind === "odgm" && dimension === "replicas")
    return hold("ODGM replicas are observe-only (it holds partitions)");
  if (dimension === "cpu" && input.user.explicitCpu === true)
    return hold("cpu request/limit set explicitly in provision_config: the user's value wins");
  if (dimension === "memory" && input.user.explicitMemory === true)
    return hold("memory request/limit set explicitly in provision_config: the user's value wins");
  return { check: "ownership", verdict: "pass", reason: "owned by the enforcer", value };
};

export const confidenceCheck: Check = (input, value) => {
  const { confidence } = input.recommendation;
  const min = input.settings.minConfidence;
  return confidence >= min
    ? { check: "confidence", verdict: "pass", reason: `confidence ${confidence} >= ${min}`, value }
    : {
        check: "confidence",
        verdict: "hold",
        reason: `confidence ${confidence} < ${min} (too much data missing)`,
        value,
      };
};
