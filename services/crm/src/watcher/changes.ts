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
// Children: a hand edit (anything outside status, resourceVersion and managedFields) is
// drift to repair, so it always enqueues. Status is read only off workloads, through the
// one function the reconciler uses (reconciler/health.ts: state, reason and the message
// with the replica counts); a status update that leaves that equal (a condition's
// lastUpdateTime, a Progressing reason the health does not use, a Service's or HPA's
// status) would be a reconcile that writes nothing. A rollout of one Deployment makes about
// four status updates; with 1000 records rolling out those no-op runs were a third of all.

import { finalizer } from "@oaas/crd";

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
 * True when a child update is worth a reconcile: anything besides status,
 * resourceVersion and managedFields changed, or `health` (what the reconciler derives from
 * the child's status; absent for kinds whose status it does not read) changed.
 */
export function childChangeMatters<T extends Meta & { status?: unknown }>(
  oldObj: T,
  newObj: T,
  health?: (obj: T) => unknown,
): boolean {
  const strip = (o: T) => ({ ...o, metadata: stableMetadata(o), status: undefined });
  if (!sameJson(strip(oldObj), strip(newObj))) return true;
  return health !== undefined && !sameJson(health(oldObj), health(newObj));
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
