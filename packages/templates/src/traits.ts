// What distinguishes the templates. dev, edge and full all render a Deployment + Service
// per function and differ in default replicas and spreading; knative renders a Knative
// Service instead and leaves replicas to the Knative autoscaler.
import type { EnforcementDimension, NfrSpec } from "@oaas/crd";
import type { TemplateName } from "./registry.ts";

export interface TemplateTraits {
  runtime: "deployment" | "knative";
  /** Replicas when provision_config.min_scale is absent (dev 1, edge 2, full 3). */
  defaultReplicas: number;
  /** Prefer putting a function's replicas on different nodes (pod anti-affinity, in full). */
  spreadAcrossNodes: boolean;
}

export const templateTraits: Readonly<Record<TemplateName, TemplateTraits>> = {
  dev: { runtime: "deployment", defaultReplicas: 1, spreadAcrossNodes: false },
  edge: { runtime: "deployment", defaultReplicas: 2, spreadAcrossNodes: false },
  full: { runtime: "deployment", defaultReplicas: 3, spreadAcrossNodes: true },
  // No min-scale unless min_scale is set: scale to zero is the point of Knative.
  knative: { runtime: "knative", defaultReplicas: 0, spreadAcrossNodes: false },
};

/**
 * True when the enforcer owns the replica count: mode=enforce and the replicas dimension
 * allowed (dimensions absent = every dimension; an explicit [] allows none). Render then
 * leaves out the field the enforcer writes, so the two field managers never fight.
 */
export function enforcerOwnsReplicas(nfr: NfrSpec | undefined): boolean {
  return enforcerOwns(nfr, "replicas");
}

/**
 * True when the enforcer owns `dimension` (mode=enforce and the dimension allowed, as for
 * replicas). For cpu and memory it still never replaces a value the user gave
 * (provision_config requests or limits): the renderer keeps rendering those, and only
 * leaves out a default of its own (the HPA's CPU request) for the enforcer to set.
 */
export function enforcerOwns(nfr: NfrSpec | undefined, dimension: EnforcementDimension): boolean {
  const enforcement = nfr?.enforcement;
  if (enforcement?.mode !== "enforce") return false;
  const dimensions: EnforcementDimension[] | undefined = enforcement.dimensions;
  return dimensions === undefined || dimensions.includes(dimension);
}
