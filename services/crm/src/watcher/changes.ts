// Which watch events are worth a reconcile. Pure functions over the old and new object.
//
// Records: the reconciler itself writes the record's status (and the API server bumps
// resourceVersion and managedFields on every write). Enqueuing on those would make every
// reconcile trigger another, no-op, reconcile. So a record update enqueues only when
// something other than status, metadata.resourceVersion, metadata.managedFields and
// metadata.generation changed (generation follows spec, which is compared itself): spec,
// labels, annotations (e.g. a new correlation id), finalizers, owner references,
// deletionTimestamp. One metadata change is also left out: the CRM's own finalizer added
// and nothing else. Only the reconciler adds it, at the start of a run that goes on to
// apply the children, so a job for it would be a second run with nothing new to see (one
// per new record: 1000 extra runs for a burst of 1000 Deploys). The periodic resync still
// re-enqueues every record, so a filtered event can never leave a record unreconciled for
// longer than one resync interval.
//
// Children: a new child is enqueued unless the reconciler created it (childAddMatters). A
// hand edit (anything outside status, resourceVersion, managedFields and the
// annotations Kubernetes' controllers write) is drift to repair, so it always enqueues,
// at once. Status is read only off workloads, through the
// one function the reconciler uses (children/workload-health.ts: state, reason and the message
// with the replica counts); a status update that leaves that equal (a condition's
// lastUpdateTime, a Progressing reason the health does not use, a Service's or HPA's
// status) would be a reconcile that writes nothing. A rollout of one Deployment makes about
// four status updates; with 1000 records rolling out those no-op runs were a third of all.
// A health change that does matter is told apart from an edit, so the watcher can let the
// record's other children (a record has up to three Deployments rolling out together)
// catch up before the run, instead of one run per child.

import { finalizer, reconcilerFieldManager } from "@oaas/crd";
import { withoutEnforcerFields } from "../children/enforcer-fields.ts";

interface Meta {
  metadata?: object;
}

const volatileMetadata = new Set(["resourceVersion", "managedFields", "generation"]);

/** True when a record update is more than a status (or bookkeeping-only) write. */
export function recordChangeMatters(
  oldObj: Meta & { spec?: unknown },
  newObj: Meta & { spec?: unknown },
): boolean {
  if (!sameJson(oldObj.spec, newObj.spec)) return true;
  const before = stableMetadata(oldObj);
  const after = stableMetadata(newObj);
  if (sameJson(before, after)) return false;
  return !onlyOurFinalizerAdded(before, after);
}

/** True when `after` differs from `before` only by the CRM finalizer appended to finalizers. */
function onlyOurFinalizerAdded(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  const was = Array.isArray(before["finalizers"]) ? (before["finalizers"] as unknown[]) : [];
  const now = Array.isArray(after["finalizers"]) ? (after["finalizers"] as unknown[]) : [];
  if (was.includes(finalizer) || !now.includes(finalizer)) return false;
  // Order-insensitive: a JSON patch appends, a server-side apply may merge elsewhere.
  if (!sameJson([...was, finalizer].map(String).sort(), now.map(String).sort())) return false;
  return sameJson({ ...before, finalizers: undefined }, { ...after, finalizers: undefined });
}

/**
 * What a child update means for its record:
 * - "edited": something besides status, resourceVersion, managedFields, the
 *   controllers' own annotations (`controllerAnnotations`) and the fields the NFR
 *   enforcer owns (its replicas, min-scale, requests: ../children/enforcer-fields.ts, which
 *   the reconciler never renders) changed (a hand edit to repair, or the reconciler's own
 *   apply): the record's run is due now;
 * - "health": only `health` changed (what the reconciler derives from the child's status;
 *   absent for kinds whose status it does not read): a run is due, but it may wait a
 *   moment for the record's other children (the watcher's settle delay);
 * - "none": nothing the reconciler reads changed.
 */
export function childChange<T extends Meta & { status?: unknown }>(
  oldObj: T,
  newObj: T,
  health?: (obj: T) => unknown,
): "none" | "edited" | "health" {
  const strip = (o: T) => ({
    ...withoutEnforcerFields(o, newObj),
    metadata: childMetadata(o),
    status: undefined,
  });
  if (!sameJson(strip(oldObj), strip(newObj))) return "edited";
  return health !== undefined && !sameJson(health(oldObj), health(newObj)) ? "health" : "none";
}

/**
 * True when a new child (a watch "add" after the first list) is news to the reconciler.
 * A child whose every manager of non-status fields is the CRM's own field manager was
 * created by a reconcile, which applied it and already decided what comes next (its
 * rollout's health changes enqueue as usual): a job for it would be a run that learns
 * nothing, one per child (7 per new record with ODGM). Anything else (a child made by
 * hand or by another tool with the CRM's owner label) is news. Entries of the status
 * subresource are left out: a controller may write status before the add is seen.
 */
export function childAddMatters(obj: Meta): boolean {
  const managedFields = (obj.metadata as { managedFields?: unknown } | undefined)?.managedFields;
  if (!Array.isArray(managedFields)) return true;
  const entries = managedFields as ({ manager?: unknown; subresource?: unknown } | null)[];
  const writers = entries.filter((entry) => entry?.subresource !== "status");
  return writers.length === 0 || writers.some((entry) => entry?.manager !== reconcilerFieldManager);
}

/**
 * Annotations Kubernetes' own controllers write on the children they manage: the
 * deployment controller numbers each rollout in `deployment.kubernetes.io/revision`
 * (kubernetes/pkg/controller/deployment/util, RevisionAnnotation). The CRM never sets
 * them, so a change is no drift; it comes with every new Deployment, and taken as an edit
 * it was one immediate reconcile per Deployment.
 */
const controllerAnnotations: ReadonlySet<string> = new Set(["deployment.kubernetes.io/revision"]);

function childMetadata(obj: Meta): Record<string, unknown> {
  const metadata = stableMetadata(obj);
  const annotations = metadata["annotations"];
  if (annotations === null || typeof annotations !== "object") return metadata;
  const kept = Object.entries(annotations).filter(([key]) => !controllerAnnotations.has(key));
  return { ...metadata, annotations: kept.length > 0 ? Object.fromEntries(kept) : undefined };
}

function stableMetadata(obj: Meta): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj.metadata ?? {}) as [string, unknown][])
    if (!volatileMetadata.has(key)) out[key] = value;
  return out;
}

/** Structural equality of JSON values (object key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
