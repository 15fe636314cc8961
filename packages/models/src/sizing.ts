// Availability-driven replica sizing.
// Replicas are placed on the target clusters worst first, round-robin; each replica is
// up independently with its cluster's availability. The answer is the smallest count
// whose majority quorum is up with at least the target probability.
import type { ConsistencyModel } from "./types.ts";

/** Hard cap on the replica count the sizing returns. */
export const maxReplicas = 50;
/** Target availability when the deployment names none. */
export const defaultTargetAvailability = 0.99;

/** What a cluster's CRM reported (CrmInfoService.GetEnvHealth). */
export interface ClusterSignal {
  readonly cluster: string;
  /** 0..1, preferred when present. */
  readonly availability?: number;
  readonly nodeCount?: number;
  readonly readyNodes?: number;
}

export class SizingError extends Error {
  override readonly name = "SizingError";
}

/**
 * A cluster's availability: its reported figure (clamped to 0..1), else ready/total nodes.
 * Throws SizingError naming the cluster when it reported neither, or zero nodes.
 */
export function clusterAvailability(signal: ClusterSignal): number {
  if (signal.availability !== undefined && Number.isFinite(signal.availability)) {
    return clamp(signal.availability);
  }
  if (signal.nodeCount === undefined || signal.readyNodes === undefined) {
    throw new SizingError(`cluster "${signal.cluster}" reported no availability and no node counts`);
  }
  if (signal.nodeCount === 0) throw new SizingError(`cluster "${signal.cluster}" reported zero nodes`);
  return clamp(signal.readyNodes / signal.nodeCount);
}

function clamp(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/**
 * Probability that a strict majority of independent replicas is up, replica i being up
 * with probability ps[i]. Dynamic programming over the number of replicas up: O(n^2).
 */
export function quorumAvailability(ps: readonly number[]): number {
  if (ps.length === 0) return 0;
  // up[k] = P(exactly k of the replicas seen so far are up)
  let up = [1];
  for (const p of ps) {
    const next = new Array<number>(up.length + 1).fill(0);
    up.forEach((q, k) => {
      next[k] = (next[k] ?? 0) + q * (1 - p);
      next[k + 1] = (next[k + 1] ?? 0) + q * p;
    });
    up = next;
  }
  const quorum = Math.floor(ps.length / 2) + 1;
  return up.slice(quorum).reduce((sum, q) => sum + q, 0);
}

/**
 * The STRONG-consistency minimum for a provisional count n: 2f+1 replicas with
 * f = max(1, ceil((n-1)/2)) tolerated failures (1 -> 3, 4 -> 5, 5 -> 5), capped at the
 * largest odd count within maxReplicas (49).
 */
export function strongReplicas(n: number): number {
  const f = Math.max(1, Math.ceil((n - 1) / 2));
  return Math.min(2 * f + 1, maxReplicas % 2 === 0 ? maxReplicas - 1 : maxReplicas);
}

export interface Sizing {
  readonly replicas: number;
  /** Quorum availability of `replicas` replicas placed as described above. */
  readonly achieved: number;
  /** False when even the cap does not reach the target. */
  readonly targetMet: boolean;
}

/**
 * The replica count for `target` over the clusters' availabilities (worst first).
 * STRONG consistency raises it to 2f+1 with f = max(1, ceil((n-1)/2)): 1 -> 3, 4 -> 5;
 * capped at the largest odd count within maxReplicas.
 * Throws SizingError for an empty list or a cluster without usable figures.
 */
export function sizeReplicas(
  signals: readonly ClusterSignal[],
  target = defaultTargetAvailability,
  consistency: ConsistencyModel = "NONE",
): Sizing {
  if (signals.length === 0) throw new SizingError("no target cluster to size replicas for");
  const sorted = signals.map(clusterAvailability).sort((a, b) => a - b);
  const placed = (n: number) => Array.from({ length: n }, (_, i) => sorted[i % sorted.length] ?? 0);
  let replicas = maxReplicas;
  for (let n = 1; n <= maxReplicas; n++) {
    if (quorumAvailability(placed(n)) >= target) {
      replicas = n;
      break;
    }
  }
  if (consistency === "STRONG") replicas = strongReplicas(replicas);
  const achieved = quorumAvailability(placed(replicas));
  return { replicas, achieved, targetMet: achieved >= target };
}
