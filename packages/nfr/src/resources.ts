// CPU and memory requests, VPA-style: a high percentile of per-pod usage over the range
// plus a safety margin, never below a floor; memory raised after an OOM kill. VPA's
// recommender defaults are the reference (target CPU percentile 0.9, safety margin 15 %,
// minimum 25 millicores; OOM bump 20 % or 100 MiB, whichever is more):
// https://github.com/kubernetes/autoscaler/blob/master/vertical-pod-autoscaler/docs/faq.md
import { percentile } from "./stats.ts";

export const cpuRequestPolicy = {
  /** Quantile of per-pod CPU (cores) samples. */
  percentile: 0.9,
  /** Added fraction on top of the quantile. */
  margin: 0.15,
  /** Millicores. */
  floorMillicores: 25,
} as const;

export const memoryRequestPolicy = {
  /** Memory is incompressible (over the limit the pod is killed): near the peak. */
  percentile: 0.99,
  margin: 0.15,
  /** 64 MiB: function pods are small, VPA's 250 MiB default would dwarf them. */
  floorBytes: 64 * 1024 * 1024,
  /** After an OOM kill: at least peak x ratio and peak + minBump. */
  oomBumpRatio: 1.2,
  oomMinBumpBytes: 100 * 1024 * 1024,
} as const;

/**
 * Per-pod CPU request in millicores from per-pod usage samples in cores (every pod,
 * every step): ceil(1000 x percentile(samples, 0.9) x 1.15), at least 25. NaN when no
 * finite sample (unknown: the caller makes no recommendation).
 */
export function cpuRequestMillicores(samplesCores: readonly number[]): number {
  const p = percentile(samplesCores, cpuRequestPolicy.percentile);
  if (Number.isNaN(p)) return NaN;
  const millicores = Math.ceil(roundOff(1000 * p * (1 + cpuRequestPolicy.margin)));
  return Math.max(cpuRequestPolicy.floorMillicores, millicores);
}

/**
 * Per-pod memory request in bytes from per-pod working-set samples in bytes:
 * ceil(percentile(samples, 0.99) x 1.15), at least 64 MiB; after an OOM kill
 * (`oomKilled`) at least max(peak x 1.2, peak + 100 MiB). NaN when no finite sample.
 */
export function memoryRequestBytes(samplesBytes: readonly number[], oomKilled: boolean): number {
  const p = percentile(samplesBytes, memoryRequestPolicy.percentile);
  if (Number.isNaN(p)) return NaN;
  let bytes = Math.max(
    memoryRequestPolicy.floorBytes,
    Math.ceil(roundOff(p * (1 + memoryRequestPolicy.margin))),
  );
  if (oomKilled) {
    const peak = percentile(samplesBytes, 1);
    const bumped = Math.max(
      peak * memoryRequestPolicy.oomBumpRatio,
      peak + memoryRequestPolicy.oomMinBumpBytes,
    );
    bytes = Math.max(bytes, Math.ceil(bumped));
  }
  return bytes;
}

/** Float noise off before rounding up (0.1 x 3 is 0.30000000000000004, not above 0.3). */
function roundOff(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
