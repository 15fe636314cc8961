// Numbers over samples: percentiles and coverage (how much of a range the data covers).
import type { QueryWindow, Series } from "./types.ts";

/** Points a range query over `window` returns per series when nothing is missing: floor((end-start)/step)+1. */
export function expectedSamples(window: QueryWindow): number {
  throw new Error(`not yet: expectedSamples(${window.stepMs})`);
}

/**
 * Fraction of the expected points present and finite, 0..1: for several series (pods) the
 * distinct timestamps with at least one finite point count once. NaN/Inf points are missing.
 */
export function coverage(series: Series[], window: QueryWindow): number {
  throw new Error(`not yet: coverage(${series.length}, ${window.stepMs})`);
}

/**
 * The q-quantile (0..1) of finite values, linearly interpolated between closest ranks
 * (type 7 of Hyndman & Fan; numpy's default). NaN when there is no finite value.
 */
export function percentile(values: readonly number[], q: number): number {
  throw new Error(`not yet: percentile(${values.length}, ${q})`);
}
