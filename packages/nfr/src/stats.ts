// Numbers over samples: percentiles and coverage (how much of a range the data covers).
import type { QueryWindow, Series } from "./types.ts";

/** Points a range query over `window` returns per series when nothing is missing: floor((end-start)/step)+1. */
export function expectedSamples(window: QueryWindow): number {
  if (window.stepMs <= 0 || window.endMs < window.startMs) return 1;
  return Math.floor((window.endMs - window.startMs) / window.stepMs) + 1;
}

/**
 * Fraction of the expected points present and finite, 0..1: for several series (pods) the
 * distinct timestamps with at least one finite point count once. NaN/Inf points are missing.
 */
export function coverage(series: Series[], window: QueryWindow): number {
  const seen = new Set<number>();
  for (const s of series) {
    for (const p of s.samples) {
      if (Number.isFinite(p.v) && p.t >= window.startMs && p.t <= window.endMs) seen.add(p.t);
    }
  }
  return Math.min(1, seen.size / expectedSamples(window));
}

/**
 * The q-quantile (0..1) of finite values, linearly interpolated between closest ranks
 * (type 7 of Hyndman & Fan; numpy's default). NaN when there is no finite value.
 */
export function percentile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] ?? NaN;
  const b = sorted[high] ?? NaN;
  return a + (b - a) * (rank - low);
}
