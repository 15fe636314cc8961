// The what-if of `crm nfr explain --at-rps N` and GetNfrDetail's at_rps: each function's
// replica recommendation for N requests/s, from the cost per request Prometheus shows now
// (instant queries of the analyzer's per-component PromQL; @oaas/nfr whatIf does the math).
// Reads only. One place for both callers.
import type { DeploymentRecord } from "@oaas/crd";
import {
  componentQuery,
  componentsOf,
  requirementsFor,
  whatIf,
  type ComponentRef,
  type NfrSettings,
  type WhatIfResult,
} from "@oaas/nfr";
import type { PromClient } from "@oaas/prom";

export interface WhatIfDeps {
  /** Absent: OPRC_CRM_PROM_URL is not set (every cost per request is unknown). */
  readonly prom?: PromClient;
  readonly settings: NfrSettings;
  /** OPRC_CRM_PROM_RANGE, e.g. "10m". */
  readonly range: string;
}

/**
 * The recommendation of each function of `record` at `atRps` requests/s (>= 0). A query
 * that fails or finds nothing makes that function's cost "unknown", never zero: its
 * answer says so instead of a recommendation. Never throws for Prometheus errors.
 */
export async function whatIfFor(
  deps: WhatIfDeps,
  record: DeploymentRecord,
  atRps: number,
  nowMs: number,
): Promise<WhatIfResult> {
  const { prom, settings } = deps;
  const query = { rateWindow: settings.analysis.rateWindow, range: deps.range };
  return {
    atRps,
    components: await Promise.all(
      componentsOf(record)
        .filter((c) => c.kind === "function")
        .map(async (component) => {
          const observed = prom ? await observedLoad(prom, component, query, nowMs) : undefined;
          return {
            component: component.name,
            observed: observed
              ? `cost per request from ${observed.cpuCores.toFixed(3)} cores at ${observed.rps.toFixed(2)} requests/s now`
              : prom
                ? "no traffic or no data in Prometheus now: cost per request unknown"
                : "OPRC_CRM_PROM_URL is not set: cost per request unknown",
            analysis: whatIf({
              component: component.name,
              atRps,
              ...(observed ? { observed } : {}),
              requirements: requirementsFor(record, component),
              settings: settings.analysis,
            }),
          };
        }),
    ),
  };
}

/** Total cores and requests/s of a component at `nowMs` (instant queries); undefined unless both are known and rps > 0. */
async function observedLoad(
  prom: PromClient,
  component: ComponentRef,
  options: { rateWindow: string; range: string },
  nowMs: number,
): Promise<{ cpuCores: number; rps: number } | undefined> {
  const sum = async (expr: string | undefined): Promise<number | undefined> => {
    if (expr === undefined) return undefined;
    try {
      const series = await prom.instant(expr, nowMs);
      const values = series.flatMap((s) => s.samples.map((p) => p.v)).filter(Number.isFinite);
      return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
    } catch {
      return undefined;
    }
  };
  const [cpuCores, rps] = await Promise.all([
    sum(componentQuery(component, "cpu_cores", options)),
    sum(componentQuery(component, "rps", options)),
  ]);
  return cpuCores !== undefined && rps !== undefined && rps > 0 ? { cpuCores, rps } : undefined;
}
