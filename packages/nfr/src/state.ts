// The enforcer's durable state as plain JSON and its pure updates: the stability
// window's history, when the current target was first seen, the last applied change.
// The enforcer keeps it in Redis or the record's status, never in process memory.
import type { DimensionState, EnforcementDimension, EnforcerState, Recommendation } from "./types.ts";

/** `${component}/${dimension}`: the key of one dimension's state. */
export function stateKey(component: string, dimension: EnforcementDimension): string {
  return `${component}/${dimension}`;
}

export function emptyState(): EnforcerState {
  return { version: 1, dimensions: {} };
}

/**
 * A state read back from storage; anything that is not a well-formed state (absent,
 * another version, garbage) becomes the empty state, which only delays enforcement by
 * one stability window (never applies early).
 */
export function decodeState(value: unknown): EnforcerState {
  throw new Error(`not yet: decodeState(${typeof value})`);
}

/**
 * The state after the analysis made at `analyzedAtMs` produced `recommendations`: each
 * appended to its dimension's history (points older than `keepMs` before it dropped) and
 * `firstSeen` reset when the target changed. A dimension with history but no
 * recommendation this time loses its history and firstSeen: missing data restarts the
 * stability window (lastApplied is kept). Idempotent: an analysis time not after the
 * newest point already seen changes nothing (a retried job, or status read twice).
 * Pass keepMs = 2 x the stability window.
 */
export function observe(
  state: EnforcerState,
  recommendations: readonly Recommendation[],
  analyzedAtMs: number,
  keepMs: number,
): EnforcerState {
  throw new Error(
    `not yet: observe(${Object.keys(state.dimensions).length}, ${recommendations.length}, ${analyzedAtMs}, ${keepMs})`,
  );
}

/** The state after the enforcer applied `from` -> `to` on a dimension at `nowMs`. */
export function recordApplied(
  state: EnforcerState,
  component: string,
  dimension: EnforcementDimension,
  change: { from: number; to: number },
  nowMs: number,
): EnforcerState {
  throw new Error(
    `not yet: recordApplied(${component}, ${dimension}, ${change.from}, ${change.to}, ${nowMs}, ${state.version})`,
  );
}

/** One dimension's state (undefined when never observed). */
export function dimensionState(
  state: EnforcerState,
  component: string,
  dimension: EnforcementDimension,
): DimensionState | undefined {
  return state.dimensions[stateKey(component, dimension)];
}
