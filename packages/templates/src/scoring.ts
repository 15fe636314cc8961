// Template scoring. The profile dominates on purpose: its own template leads each rival
// by more than the NFR points could ever move that pair (e.g. under profile dev, full
// trails by 80 and can gain at most 60), so profile full selects full, edge edge, dev dev
// (the reference implementation let dev win under full); a property test checks it. The
// one contest NFRs decide is full vs knative under profile full, when Knative is
// available: knative starts 10 behind and wins only when the NFRs favour serverless by
// more than 10 (e.g. under 100 rps AND a latency budget of 500 ms or more); a tie goes
// to the profile's own template.
import type { NfrRequirements } from "@oaas/crd";
import type { Profile } from "./context.ts";
import type { TemplateName } from "./registry.ts";

export type Scores = Record<TemplateName, number>;
/** The NFR signals scoring reads, merged from spec.nfr.requirements and the functions. */
export type Signals = NfrRequirements & { consistency?: string };

const profilePoints: Readonly<Record<Profile, Scores>> = {
  dev: { dev: 100, edge: 40, full: 20, knative: 20 },
  edge: { dev: 50, edge: 100, full: 40, knative: 20 },
  full: { dev: 10, edge: 40, full: 100, knative: 90 },
};

const zero: Scores = { dev: 0, edge: 0, full: 0, knative: 0 };

/** NFR points per template for one signal value; one row per signal band. */
function throughputPoints(rps: number): Scores {
  if (rps < 100) return { dev: 5, edge: 5, full: 0, knative: 10 }; // bursty / low: serverless fits
  if (rps <= 1000) return { dev: 0, edge: 5, full: 5, knative: 5 };
  return { dev: -10, edge: 0, full: 10, knative: -5 }; // steady high load: always-on replicas
}

function latencyPoints(ms: number): Scores {
  if (ms < 50) return { dev: 0, edge: 5, full: 10, knative: -10 }; // cold starts break tight latency
  if (ms < 500) return { dev: 0, edge: 5, full: 5, knative: 0 };
  return { dev: 5, edge: 0, full: 0, knative: 5 };
}

function availabilityPoints(fraction: number): Scores {
  if (fraction >= 0.999) return { dev: -10, edge: 0, full: 10, knative: 0 };
  if (fraction >= 0.99) return { dev: -5, edge: 5, full: 5, knative: 5 };
  return zero;
}

function consistencyPoints(consistency: string): Scores {
  const value = consistency.trim().toLowerCase();
  if (value === "strong") return { dev: -5, edge: 0, full: 5, knative: -5 };
  if (value === "eventual") return { dev: 0, edge: 0, full: 0, knative: 5 };
  return zero;
}

/** Every template's score for a profile and the NFR signals (candidates are filtered by the caller). */
export function scoreTemplates(profile: Profile, signals: Signals): Scores {
  const parts: Scores[] = [profilePoints[profile]];
  if (signals.min_throughput_rps !== undefined) parts.push(throughputPoints(signals.min_throughput_rps));
  if (signals.max_latency_ms !== undefined) parts.push(latencyPoints(signals.max_latency_ms));
  if (signals.availability !== undefined) parts.push(availabilityPoints(signals.availability));
  if (signals.consistency !== undefined) parts.push(consistencyPoints(signals.consistency));
  const total: Scores = { ...zero };
  for (const part of parts) {
    for (const name of Object.keys(total) as TemplateName[]) total[name] += part[name];
  }
  return total;
}

/**
 * Class-level signals: spec.nfr.requirements wins per field; otherwise the strictest
 * value over the functions (highest throughput and availability, lowest latency).
 */
export function mergeSignals(record: Signals | undefined, functions: readonly NfrRequirements[]): Signals {
  const pick = (values: (number | undefined)[], choose: (...n: number[]) => number): number | undefined => {
    const present = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    return present.length > 0 ? choose(...present) : undefined;
  };
  const merged: Signals = {};
  const throughput =
    record?.min_throughput_rps ??
    pick(
      functions.map((f) => f.min_throughput_rps),
      Math.max,
    );
  const latency =
    record?.max_latency_ms ??
    pick(
      functions.map((f) => f.max_latency_ms),
      Math.min,
    );
  const availability =
    record?.availability ??
    pick(
      functions.map((f) => f.availability),
      Math.max,
    );
  if (throughput !== undefined) merged.min_throughput_rps = throughput;
  if (latency !== undefined) merged.max_latency_ms = latency;
  if (availability !== undefined) merged.availability = availability;
  if (record?.consistency !== undefined) merged.consistency = record.consistency;
  return merged;
}
