// A record's measurable components (each function workload, the ODGM addon) and what the
// user fixed for each: the analyzer's and the enforcer's view of a DeploymentRecord.
// Function keys, scale bounds and resources come from @oaas/templates' planFunctions,
// names from @oaas/crd's names module: the same reading as the renderer's.
import { functionChildName, odgmChildName, type DeploymentRecord } from "@oaas/crd";
import {
  odgmAddon,
  planFunctions,
  resolveTemplateName,
  templateTraits,
  type FunctionPlan,
} from "@oaas/templates";
import type {
  ComponentRef,
  EnforcementDimension,
  EnforcementMode,
  NfrRequirements,
  Runtime,
  UserBounds,
} from "./types.ts";

/** Every dimension, in the order explain prints them. */
export const dimensions: readonly EnforcementDimension[] = ["replicas", "cpu", "memory"];
/** The status component name of the ODGM addon. */
export const odgmComponent = "odgm";

/**
 * The components of a record: one per function (spec order), then "odgm" when the
 * addon is listed. The runtime is knative when status.selected_template says so (the
 * template actually rendered), else deployment. Workload names come from @oaas/crd's
 * names module (functionChildName, odgmChildName). A spec the renderer refuses has no
 * functions (nothing was rendered to measure).
 */
export function componentsOf(record: DeploymentRecord): ComponentRef[] {
  const recordName = record.metadata.name;
  const namespace = record.metadata.namespace ?? "default";
  const runtime = runtimeOf(record);
  const out: ComponentRef[] = functionPlans(record).map((fn) => ({
    record: recordName,
    namespace,
    kind: "function",
    name: fn.key,
    functionKey: fn.key,
    runtime,
    workload: functionChildName(recordName, fn.key),
  }));
  if (hasOdgm(record)) {
    out.push({
      record: recordName,
      namespace,
      kind: "odgm",
      name: odgmComponent,
      runtime: "deployment",
      workload: odgmChildName(recordName),
    });
  }
  return out;
}

/**
 * The requirements that apply to a component: the function's own nfr_requirements,
 * each field falling back to spec.nfr.requirements. ODGM has none of its own: only the
 * record-level cpu_utilization_target applies to it.
 */
export function requirementsFor(record: DeploymentRecord, component: ComponentRef): NfrRequirements {
  const recordLevel = record.spec.nfr?.requirements ?? {};
  if (component.kind === "odgm") {
    const target = recordLevel.cpu_utilization_target;
    return target === undefined ? {} : { cpu_utilization_target: target };
  }
  const own = functionPlans(record).find((fn) => fn.key === component.functionKey)?.nfr ?? {};
  const merged: NfrRequirements = {};
  for (const field of [
    "max_latency_ms",
    "min_throughput_rps",
    "availability",
    "cpu_utilization_target",
  ] as const) {
    const value = own[field] ?? recordLevel[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

/** What the user fixed for a component (provision_config of the function; nothing for ODGM). */
export function userBoundsOf(record: DeploymentRecord, component: ComponentRef): UserBounds {
  if (component.kind === "odgm") return {};
  const fn = functionPlans(record).find((f) => f.key === component.functionKey);
  if (fn === undefined) return {};
  const bounds: UserBounds = {};
  if (fn.minScale !== undefined) bounds.minScale = fn.minScale;
  if (fn.maxScale !== undefined && fn.maxScale > 0) bounds.maxScale = fn.maxScale;
  const { requests, limits } = fn.resources;
  if (requests?.cpu !== undefined || limits?.cpu !== undefined) bounds.explicitCpu = true;
  if (requests?.memory !== undefined || limits?.memory !== undefined) bounds.explicitMemory = true;
  return bounds;
}

/**
 * spec.nfr.enforcement with its defaults: mode observe; dimensions absent = all three
 * (an explicit [] allows none) — the same reading as @oaas/templates' enforcerOwnsReplicas.
 */
export function enforcementOf(record: DeploymentRecord): {
  mode: EnforcementMode;
  dimensions: EnforcementDimension[];
} {
  const enforcement = record.spec.nfr?.enforcement;
  return {
    mode: enforcement?.mode ?? "observe",
    dimensions: [...(enforcement?.dimensions ?? dimensions)],
  };
}

function runtimeOf(record: DeploymentRecord): Runtime {
  const chosen = record.status?.selected_template;
  const name = chosen === undefined ? undefined : resolveTemplateName(chosen);
  return name === undefined ? "deployment" : templateTraits[name].runtime;
}

function hasOdgm(record: DeploymentRecord): boolean {
  return (record.spec.addons ?? []).some((addon) => addon.trim().toLowerCase() === odgmAddon);
}

function functionPlans(record: DeploymentRecord): FunctionPlan[] {
  const planned = planFunctions(record.spec);
  return planned.ok ? planned.value : [];
}
