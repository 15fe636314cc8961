// The grouped per-namespace results split back per component: each series goes to the
// one component whose pod labels it carries; a component with no series, a failed query
// or only NaN points gets "unknown" with the reason, never zero.
import { labelValue } from "@oaas/crd";
import { appLabels, podLabels, type PlannedQuery } from "./queries.ts";
import type { ComponentRef, ComponentSignals, QueryOutcome, Series, SignalData } from "./types.ts";

/** A component's identity across the analysis: `${namespace}/${record}/${name}`. */
export function componentKey(component: Pick<ComponentRef, "namespace" | "record" | "name">): string {
  return `${component.namespace}/${component.record}/${component.name}`;
}

/**
 * The part of one query's outcome that belongs to each component it covers (by
 * componentKey). Components the query does not cover (another runtime's rps/p99, ODGM
 * for rps/p99, another namespace) are absent from the map.
 */
export function splitOutcome(
  query: PlannedQuery,
  outcome: QueryOutcome,
  components: ComponentRef[],
): Map<string, SignalData> {
  const out = new Map<string, SignalData>();
  const covered = components.filter((c) => covers(query, c));
  if (!outcome.ok) {
    for (const c of covered)
      out.set(componentKey(c), {
        status: "unknown",
        why: `query failed: ${outcome.error}`,
        query: query.expr,
      });
    return out;
  }
  const byComponent = new Map<string, Series[]>();
  for (const series of outcome.series) {
    const owner = covered.find((c) => belongs(query, series.labels, c));
    if (owner === undefined) continue;
    const key = componentKey(owner);
    byComponent.set(key, [...(byComponent.get(key) ?? []), series]);
  }
  for (const c of covered) {
    const key = componentKey(c);
    const series = byComponent.get(key) ?? [];
    out.set(key, known(series, query.expr));
  }
  return out;
}

/** Every component's signals from one cycle's queries and outcomes (same order as `components`). */
export function gatherSignals(
  components: ComponentRef[],
  results: { query: PlannedQuery; outcome: QueryOutcome }[],
): ComponentSignals[] {
  const gathered = components.map((component): ComponentSignals => ({ component, signals: {} }));
  const index = new Map(gathered.map((g) => [componentKey(g.component), g]));
  for (const { query, outcome } of results) {
    for (const [key, data] of splitOutcome(query, outcome, components)) {
      const entry = index.get(key);
      if (entry !== undefined) entry.signals[query.signal] = data;
    }
  }
  return gathered;
}

function known(series: Series[], query: string): SignalData {
  if (series.length === 0) {
    return { status: "unknown", why: "no series for this component (metric missing or not scraped)", query };
  }
  const finite = series.some((s) => s.samples.some((p) => Number.isFinite(p.v)));
  if (!finite) return { status: "unknown", why: "only NaN points (no data in the window)", query };
  return { status: "known", series, query };
}

function covers(query: PlannedQuery, c: ComponentRef): boolean {
  if (c.namespace !== query.namespace) return false;
  switch (query.source) {
    case "kubelet":
      return true;
    case "app":
      return c.kind === "function" && c.runtime === "deployment";
    case "knative":
      return c.kind === "function" && c.runtime === "knative";
  }
}

function belongs(query: PlannedQuery, labels: Record<string, string>, c: ComponentRef): boolean {
  const fn = labelValue(c.functionKey ?? "");
  switch (query.source) {
    case "knative":
      return labels["configuration_name"] === c.workload && labels["namespace_name"] === c.namespace;
    case "app":
      return labels[appLabels.owner] === labelValue(c.record) && labels[appLabels.function] === fn;
    case "kubelet":
      if (labels[podLabels.owner] !== labelValue(c.record)) return false;
      if (labels[podLabels.component] !== c.kind) return false;
      return c.kind === "odgm" || labels[podLabels.function] === fn;
  }
}
