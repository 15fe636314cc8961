// The server-side apply bodies of the enforcer: only the fields it owns, nothing else, so
// its field manager (../children/enforcer-fields.ts) holds exactly those and the reconciler's apply of
// the rest never conflicts. metadata.uid makes the apply a precondition on the object
// read by the gather step: a re-created object (another uid) answers 409 instead of being
// written, and a missing one fails validation instead of being created from a fragment.
// Pure.
import type { EnforcementDimension } from "@oaas/nfr";
import { minScaleAnnotation } from "@oaas/templates";
import { workloadTypes, type WorkloadRef } from "./workloads.ts";

/** One value to write: a dimension of one component, on its object. */
export interface Change {
  component: string;
  dimension: EnforcementDimension;
  from: number | undefined;
  to: number;
  at: WorkloadRef;
  /** Container of a cpu/memory change. */
  container: string;
}

export interface ApplyBody {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid?: string };
  spec: Record<string, unknown>;
}

/**
 * The apply body of `changes` (all on one object: several dimensions of one component
 * share a Deployment). Replicas: HPA spec.minReplicas, Knative's min-scale revision
 * annotation, or Deployment spec.replicas; cpu (millicores) and memory (bytes) as
 * container requests (`250m`, `268435456`).
 * @throws Error when the changes name different objects (a caller bug).
 */
export function applyBody(changes: readonly Change[]): ApplyBody {
  const first = changes[0];
  if (first === undefined) throw new Error("applyBody: no changes");
  const at = first.at;
  if (changes.some((c) => c.at.kind !== at.kind || c.at.name !== at.name))
    throw new Error("applyBody: changes of different objects");
  const type = workloadTypes[at.kind];
  const spec: Record<string, unknown> = {};
  const requests: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const change of changes) {
    if (change.dimension === "cpu") requests["cpu"] = `${Math.round(change.to)}m`;
    else if (change.dimension === "memory") requests["memory"] = String(Math.round(change.to));
    else if (at.kind === "hpa") spec["minReplicas"] = change.to;
    else if (at.kind === "knative") annotations[minScaleAnnotation] = String(change.to);
    else spec["replicas"] = change.to;
  }
  const template: Record<string, unknown> = {};
  if (Object.keys(annotations).length > 0) template["metadata"] = { annotations };
  if (Object.keys(requests).length > 0)
    template["spec"] = { containers: [{ name: first.container, resources: { requests } }] };
  if (Object.keys(template).length > 0) spec["template"] = template;
  return {
    apiVersion: type.apiVersion,
    kind: type.kind,
    metadata: { name: at.name, namespace: at.namespace, ...(at.uid ? { uid: at.uid } : {}) },
    spec,
  };
}

/** "Kind/name" of the object a change is written to, as history and Events show it. */
export function objectName(at: WorkloadRef): string {
  return `${at.kind === "knative" ? "KnativeService" : workloadTypes[at.kind].kind}/${at.name}`;
}

/**
 * The Event note of one applied change, e.g. `replicas_min=3 for function f1` (the note
 * of the NFRApplied Event), `cpu_request=250m for odgm`.
 */
export function changeNote(change: Change): string {
  const what =
    change.dimension === "replicas"
      ? `replicas_min=${change.to}`
      : change.dimension === "cpu"
        ? `cpu_request=${Math.round(change.to)}m`
        : `memory_request=${Math.round(change.to)}`;
  const whom = change.component === "odgm" ? "odgm" : `function ${change.component}`;
  return `${what} for ${whom}`;
}
