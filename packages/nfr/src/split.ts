// The grouped per-namespace results split back per component: each series goes to the
// one component whose pod labels it carries; a component with no series, a failed query
// or only NaN points gets "unknown" with the reason, never zero.
import type { PlannedQuery } from "./queries.ts";
import type { ComponentRef, ComponentSignals, QueryOutcome, SignalData } from "./types.ts";

/** A component's identity across the analysis: `${namespace}/${record}/${name}`. */
export function componentKey(component: Pick<ComponentRef, "namespace" | "record" | "name">): string {
  return `${component.namespace}/${component.record}/${component.name}`;
}

/**
 * The part of one query's outcome that belongs to each component it covers (by
 * componentKey). Components the query does not cover (another runtime's rps/p99, ODGM
 * for rps/p99) are absent from the map.
 */
export function splitOutcome(
  query: PlannedQuery,
  outcome: QueryOutcome,
  components: ComponentRef[],
): Map<string, SignalData> {
  throw new Error(`not yet: splitOutcome(${query.signal}, ${String(outcome.ok)}, ${components.length})`);
}

/** Every component's signals from one cycle's queries and outcomes (same order as `components`). */
export function gatherSignals(
  components: ComponentRef[],
  results: { query: PlannedQuery; outcome: QueryOutcome }[],
): ComponentSignals[] {
  throw new Error(`not yet: gatherSignals(${components.length}, ${results.length})`);
}
