// Replicas from load, never from the current replica count (so a recommendation cannot
// ratchet itself up): the smallest count that keeps CPU per pod under the assumed
// per-pod request x the utilization target AND serves max(observed rps,
// min_throughput_rps) at the observed cost per request; one more while p99 exceeds
// max_latency_ms; at least 1.
import { defaultCpuTarget } from "@oaas/templates";
import type { NfrRequirements } from "./types.ts";

/** The load the formula reads (latest values). `rps`/`p99Ms` undefined = not measured. */
export interface Load {
  /** Total CPU of the component's pods, cores. */
  cpuCores: number;
  /** Requests per second over the rate window. */
  rps?: number;
  /** p99 latency, milliseconds (NaN or undefined when there were no requests). */
  p99Ms?: number;
}

export interface ReplicaResult {
  target: number;
  /** Each term of the formula, in words, for the basis. */
  because: string[];
}

/**
 * replicas = max(1, ceil(cpuMillicores / (cpuPerPod x u)), ceil(max(rps, minRps) / perPodRps))
 *            + (p99Ms > maxLatencyMs ? 1 : 0)
 * where u = requirements.cpu_utilization_target (default @oaas/templates defaultCpuTarget),
 * perPodRps = cpuPerPod x u / (cpuMillicores / rps) (the rps one pod serves at the
 * target; only when rps > 0; with zero traffic the throughput term is not measurable and
 * left out). A tiny epsilon absorbs float noise so an exact fit does not round up.
 */
export function replicasFromLoad(
  load: Load,
  requirements: NfrRequirements,
  cpuPerPodMillicores: number,
): ReplicaResult {
  const u = requirements.cpu_utilization_target ?? defaultCpuTarget;
  const perPod = cpuPerPodMillicores * u;
  const cpuMillicores = load.cpuCores * 1000;
  const because: string[] = [];
  const byCpu = ceilExact(cpuMillicores / perPod);
  because.push(`cpu ${fmt(cpuMillicores)}m / (${cpuPerPodMillicores}m x ${fmt(u)}) -> ${byCpu}`);
  let target = Math.max(1, byCpu);
  const minRps = requirements.min_throughput_rps;
  if (minRps !== undefined && minRps > 0 && load.rps !== undefined) {
    if (load.rps > 0 && cpuMillicores > 0) {
      const perPodRps = perPod / (cpuMillicores / load.rps);
      const byRps = ceilExact(Math.max(load.rps, minRps) / perPodRps);
      because.push(
        `throughput max(${fmt(load.rps)}, ${fmt(minRps)}) rps / ${fmt(perPodRps)} rps per pod -> ${byRps}`,
      );
      target = Math.max(target, byRps);
    } else {
      because.push(`throughput: no traffic observed, capacity per pod not measurable`);
    }
  }
  const maxLatency = requirements.max_latency_ms;
  if (maxLatency !== undefined && load.p99Ms !== undefined && Number.isFinite(load.p99Ms)) {
    if (load.p99Ms > maxLatency) {
      target += 1;
      because.push(`p99 ${fmt(load.p99Ms)} ms > ${fmt(maxLatency)} ms -> +1`);
    } else {
      because.push(`p99 ${fmt(load.p99Ms)} ms <= ${fmt(maxLatency)} ms`);
    }
  }
  return { target, because };
}

/** ceil, with float noise off first (an exact fit such as 1.5 / 0.5 stays 3, not 4). */
function ceilExact(x: number): number {
  return Math.ceil(Math.round(x * 1e9) / 1e9);
}

/** A number for a person: at most 3 decimals, no trailing zeros. */
export function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
