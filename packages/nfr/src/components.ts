// A record's measurable components (each function workload, the ODGM addon) and what the
// user fixed for each: the analyzer's and the enforcer's view of a DeploymentRecord.
import type { DeploymentRecord } from "@oaas/crd";
import type {
  ComponentRef,
  EnforcementDimension,
  EnforcementMode,
  NfrRequirements,
  UserBounds,
} from "./types.ts";

/** Every dimension, in the order explain prints them. */
export const dimensions: readonly EnforcementDimension[] = ["replicas", "cpu", "memory"];

/**
 * The components of a record: one per function (spec order), then "odgm" when the
 * addon is listed. The runtime is knative when status.selected_template says so (the
 * template actually rendered), else deployment. Workload names come from @oaas/crd's
 * names module (functionChildName, odgmChildName).
 */
export function componentsOf(record: DeploymentRecord): ComponentRef[] {
  throw new Error(`not yet: componentsOf(${record.metadata.name})`);
}

/**
 * The requirements that apply to a component: the function's own nfr_requirements,
 * each field falling back to spec.nfr.requirements. ODGM has none of its own: only the
 * record-level cpu_utilization_target applies to it.
 */
export function requirementsFor(record: DeploymentRecord, component: ComponentRef): NfrRequirements {
  throw new Error(`not yet: requirementsFor(${record.metadata.name}, ${component.name})`);
}

/** What the user fixed for a component (provision_config of the function; nothing for ODGM). */
export function userBoundsOf(record: DeploymentRecord, component: ComponentRef): UserBounds {
  throw new Error(`not yet: userBoundsOf(${record.metadata.name}, ${component.name})`);
}

/**
 * spec.nfr.enforcement with its defaults: mode observe; dimensions absent = all three
 * (an explicit [] allows none) — the same reading as @oaas/templates' enforcerOwnsReplicas.
 */
export function enforcementOf(record: DeploymentRecord): {
  mode: EnforcementMode;
  dimensions: EnforcementDimension[];
} {
  throw new Error(`not yet: enforcementOf(${record.metadata.name})`);
}
