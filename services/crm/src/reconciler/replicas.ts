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
// the current value is handed over first (needsReplicaHandover), since dropping it would
// reset the Deployment to 1 replica.
import type { RenderedObject } from "@oaas/templates";
import type { LiveObject } from "./compare.ts";

/** Manager that holds replicas between our last apply with them and the new owner's first write. */
export const replicaHandoverManager = "oaas-crm-handover-to-hpa";

/**
 * True when applying `desired` would drop spec.replicas from a Deployment whose replicas
 * only we set: an HPA or the enforcer takes over. Removing the field from its only
 * owner's applied configuration resets it to the default of 1 replica ("Transferring
 * ownership", https://kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership),
 * so the value must get another owner first.
 */
export function needsReplicaHandover(
  desired: RenderedObject,
  live: LiveObject,
  fieldManager: string,
): boolean {
  if (desired.kind !== "Deployment" || desired.apiVersion !== "apps/v1") return false;
  const wants = (desired as { spec?: { replicas?: number } }).spec?.replicas;
  if (wants !== undefined || typeof live.spec?.["replicas"] !== "number") return false;
  return (live.metadata?.managedFields ?? []).some(
    (m) => m.manager === fieldManager && m.operation === "Apply" && ownsReplicas(m.fieldsV1),
  );
}

function ownsReplicas(fields: unknown): boolean {
  const spec = (fields as Record<string, Record<string, unknown> | undefined> | undefined)?.["f:spec"];
  return spec !== undefined && "f:replicas" in spec;
}
