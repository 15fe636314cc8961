// Replicas from load, never from the current replica count (so a recommendation cannot
// ratchet itself up): the smallest count that keeps CPU per pod under the assumed
// per-pod request x the utilization target AND serves max(observed rps,
// min_throughput_rps) at the observed cost per request; one more while p99 exceeds
// max_latency_ms; at least 1.
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
  throw new Error(
    `not yet: replicasFromLoad(${load.cpuCores}, ${JSON.stringify(requirements)}, ${cpuPerPodMillicores})`,
  );
}
