// Deleting a record, as gather -> plan -> act: list the record's children of every served
// kind, plan (plan-finalize.ts: children first, then the finalizer), delete or release.
// Runs on every reconcile of a record with deletionTimestamp set.
import type { DeploymentRecord } from "@oaas/crd";
import { deleteChildren } from "./act.ts";
import { displayName, type ChildKind } from "./children.ts";
import { ownerLabelValue } from "./compare.ts";
import type { ReconcilerIo } from "./io.ts";
import { holdsFinalizer } from "./plan.ts";
import { planFinalize, type FinalizeOutcome } from "./plan-finalize.ts";

export type { FinalizeOutcome } from "./plan-finalize.ts";

/**
 * Deletes every child of the record found by the owner label, and drops the
 * `oaas.io/cleanup` finalizer once none is left (plan-finalize.ts states the guarantees).
 * The finalizer patch is guarded by a test op on the finalizer list, so a concurrent
 * change makes it fail (and retry) instead of dropping someone else's finalizer. A kind
 * whose CRD was uninstalled while children existed is not served and not listed.
 */
export async function finalizeRecord(
  io: ReconcilerIo,
  record: DeploymentRecord,
  kinds: readonly ChildKind[],
): Promise<FinalizeOutcome> {
  if (!holdsFinalizer(record)) return { state: "released", finalizerRemoved: false };
  const listed = await io.listChildren(record.metadata.namespace ?? "", ownerLabelValue(record), kinds);
  const plan = planFinalize(record, listed);
  if (plan.kind === "delete") {
    await deleteChildren(io, plan.toDelete);
    return { state: "waiting", deletedNow: plan.toDelete.map(displayName), remaining: plan.remaining };
  }
  await io.removeFinalizer(record);
  return { state: "released", finalizerRemoved: true };
}
