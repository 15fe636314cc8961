// Deleting a record: its children go first, then the finalizer, then Kubernetes removes
// the record. Runs on every reconcile of a record with deletionTimestamp set.
import { finalizer, type DeploymentRecord } from "@oaas/crd";
import { deleteObject, type KubeClient } from "@oaas/kube";
import { displayName, kindOf, listChildren, type ChildKind } from "./children.ts";
import { ownerLabelValue, ownership } from "./compare.ts";
import { removeFinalizer } from "./record-api.ts";

export type FinalizeOutcome =
  /** Children were asked to go (this run) or are still going: look again soon. */
  | { state: "waiting"; deletedNow: string[]; remaining: string[] }
  /** No child left: the finalizer is dropped (or was not ours to drop). */
  | { state: "released"; finalizerRemoved: boolean };

/**
 * Deletes every child of the record, of every served kind, found by the owner label,
 * and drops the `oaas.io/cleanup` finalizer once none is left.
 *
 * Guarantees: the finalizer is removed only after a list of every served kind found no
 * child owned by this record; only objects whose owner reference names this record's
 * uid are deleted (uid precondition, background propagation so the object itself goes
 * at once and its pods follow); the finalizer patch is guarded by a test op on the
 * finalizer list, so a concurrent change makes it fail (and retry) instead of dropping
 * someone else's finalizer. Idempotent: a repeat run deletes nothing twice.
 * Assumptions: children carry the owner label (render puts it on all of them); the kinds
 * the cluster serves are those in `kinds` (Knative and monitors only when installed).
 * Caveats: a child whose owner label was removed by hand is not found here; its owner
 * reference still lets the garbage collector delete it once the record is gone. A kind
 * whose CRD was uninstalled while children existed cannot be listed and is skipped.
 */
export async function finalizeRecord(
  kube: KubeClient,
  record: DeploymentRecord,
  kinds: readonly ChildKind[],
  signal: AbortSignal,
): Promise<FinalizeOutcome> {
  if (!(record.metadata.finalizers ?? []).includes(finalizer))
    return { state: "released", finalizerRemoved: false };
  const uid = record.metadata.uid ?? "";
  const listed = await listChildren(
    kube,
    record.metadata.namespace ?? "",
    ownerLabelValue(record),
    kinds,
    signal,
  );
  const ours = [...listed.values()].filter((child) => ownership(child, uid, ownerLabelValue(record)).owned);
  if (ours.length > 0) {
    const toDelete = ours.filter((child) => !child.metadata?.deletionTimestamp);
    await Promise.all(
      toDelete.map((child) =>
        deleteObject(kube, kindOf(child).type, child.metadata?.namespace, child.metadata?.name ?? "", {
          ...(child.metadata?.uid ? { uid: child.metadata.uid } : {}),
          propagationPolicy: "Background",
          signal,
        }),
      ),
    );
    return { state: "waiting", deletedNow: toDelete.map(displayName), remaining: ours.map(displayName) };
  }
  await removeFinalizer(kube, record, signal);
  return { state: "released", finalizerRemoved: true };
}
