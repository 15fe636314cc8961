// Pure: who owns a workload's replica count, and when the reconciler must hand it over.
//
// The rule, in one place: when render leaves a replica field out, someone else owns it,
// and the reconciler never writes it.
// - An HPA is rendered: Deployment.spec.replicas is left out (the HPA scales).
// - The NFR enforcer owns replicas (spec.nfr.enforcement.mode "enforce", packages/templates
//   traits.ts enforcerOwnsReplicas): Deployment.spec.replicas, HPA.spec.minReplicas and the
//   Knative Service's autoscaling.knative.dev/min-scale annotation are left out; the
//   enforcer writes them with its own field manager.
// The reconciler keeps to it in two ways: drift (drift.ts) compares only values render
// sets, so whatever the HPA or the enforcer writes there is never drift and never put
// back; and when a field leaves our applied configuration while we are its only owner,
// the current value is handed over first (replicaHandover), since dropping it would reset
// it to the API's default: a Deployment to 1 replica, an HPA's floor to 1, a Knative
// Service's floor to 0 (scale to zero) — until the enforcer's next write.
import { minScaleAnnotation, type RenderedObject } from "@oaas/templates";
import type { LiveObject } from "./compare.ts";

/** Manager that holds a replica field between our last apply with it and the new owner's first write. */
export const replicaHandoverManager = "oaas-crm-handover-to-hpa";

/** The replica fields another owner can take over, by kind: where the value is in the object. */
const replicaFields: readonly { apiVersion: string; kind: string; path: readonly string[] }[] = [
  { apiVersion: "apps/v1", kind: "Deployment", path: ["spec", "replicas"] },
  { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", path: ["spec", "minReplicas"] },
  {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    path: ["spec", "template", "metadata", "annotations", minScaleAnnotation],
  },
];

/**
 * The server-side-apply body that hands a replica field over, or undefined when none is
 * needed: applying `desired` would drop a replica field (Deployment spec.replicas, HPA
 * spec.minReplicas, Knative min-scale annotation) that `live` has and only we set.
 * Removing a field from its only owner's applied configuration resets it to its default
 * ("Transferring ownership",
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership),
 * so the value gets another owner (replicaHandoverManager) first. The body holds the
 * identity and that one field with its live value.
 */
export function replicaHandover(
  desired: RenderedObject,
  live: LiveObject,
  fieldManager: string,
): RenderedObject | undefined {
  const field = replicaFields.find((f) => f.apiVersion === desired.apiVersion && f.kind === desired.kind);
  if (field === undefined || valueAt(desired, field.path) !== undefined) return undefined;
  const current = valueAt(live, field.path);
  if (current === undefined || current === null) return undefined;
  const ownedByUs = (live.metadata?.managedFields ?? []).some(
    (m) => m.manager === fieldManager && m.operation === "Apply" && ownsPath(m.fieldsV1, field.path),
  );
  if (!ownedByUs) return undefined;
  const { name, namespace } = live.metadata ?? {};
  return {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: { name, namespace },
    ...nested(field.path, current),
  };
}

function valueAt(object: unknown, path: readonly string[]): unknown {
  let node: unknown = object;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Whether a managedFields fieldsV1 tree holds the field at `path` ("f:<name>" per level). */
function ownsPath(fields: unknown, path: readonly string[]): boolean {
  return (
    valueAt(
      fields,
      path.map((key) => `f:${key}`),
    ) !== undefined
  );
}

function nested(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value as never);
}
