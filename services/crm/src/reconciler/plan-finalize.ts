// Pure: the plan of one run for a record being deleted. Its children go first, then the
// finalizer, then Kubernetes removes the record. The gather lists every served kind by
// the owner label (finalize.ts); this decides what to delete, when the finalizer may go,
// and what the run tells people and the queue.
import { finalizer, type DeploymentRecord } from "@oaas/crd";
import { done, requeueAfter, type ReconcileResult } from "@oaas/queue";
import { displayName } from "./children.ts";
import { ownerLabelValue, ownership, type LiveObject } from "./compare.ts";
import type { Report } from "./transitions.ts";

export type FinalizePlan =
  /** Owned children remain: delete `toDelete` (not already going), wait for all of `remaining`. */
  | { kind: "delete"; toDelete: LiveObject[]; remaining: string[] }
  /** No owned child left: drop the finalizer. */
  | { kind: "release" };

/**
 * What to do for a deleting record, given every listed child by childKey.
 *
 * Guarantees: the finalizer goes only once the list of every served kind holds no child
 * owned by this record; only objects owned by this record's uid (or plainly-ours orphans,
 * compare.ts ownership) are deleted, each not already being deleted; a repeat run deletes
 * nothing twice. Assumptions: children carry the owner label (render puts it on all of
 * them). Caveats: a child whose owner label was removed by hand is not listed; its owner
 * reference still lets the garbage collector delete it once the record is gone.
 */
export function planFinalize(
  record: DeploymentRecord,
  listed: ReadonlyMap<string, LiveObject>,
): FinalizePlan {
  const uid = record.metadata.uid ?? "";
  const ours = [...listed.values()].filter((child) => ownership(child, uid, ownerLabelValue(record)).owned);
  if (ours.length === 0) return { kind: "release" };
  return {
    kind: "delete",
    toDelete: ours.filter((child) => !child.metadata?.deletionTimestamp),
    remaining: ours.map(displayName),
  };
}

export type FinalizeOutcome =
  /** Children were asked to go (this run) or are still going: look again soon. */
  | { state: "waiting"; deletedNow: string[]; remaining: string[] }
  /** No child left: the finalizer is dropped (or was not ours to drop). */
  | { state: "released"; finalizerRemoved: boolean };

/**
 * What a finalize run tells (history, Events, logs) and returns: waiting runs look again
 * after `deletionRequeueMs`; a released record is done.
 */
export function concludeFinalize(
  outcome: FinalizeOutcome,
  deletionRequeueMs: number,
): { reports: Report[]; result: ReconcileResult } {
  if (outcome.state === "waiting") {
    const reports: Report[] =
      outcome.deletedNow.length === 0
        ? []
        : [
            {
              log: { level: "info", message: "deleting children", fields: { objects: outcome.deletedNow } },
              history: {
                type: "deleted",
                message: `deleting ${outcome.deletedNow.length} child object(s)`,
                extra: { reason: "ChildrenDeleted", objects: outcome.deletedNow },
              },
              event: {
                reason: "Deleting",
                action: "Delete",
                note: `deleting ${outcome.deletedNow.join(", ")}`,
              },
            },
          ];
    return {
      reports,
      result: requeueAfter(deletionRequeueMs, `waiting for ${outcome.remaining.length} child(ren) to go`),
    };
  }
  if (!outcome.finalizerRemoved) return { reports: [], result: done };
  return {
    reports: [
      {
        log: { level: "info", message: "every child is gone; finalizer removed", fields: {} },
        history: {
          type: "deleted",
          message: `every child is gone; finalizer ${finalizer} removed`,
          extra: { reason: "FinalizerRemoved" },
        },
        event: {
          reason: "Deleted",
          action: "Delete",
          note: "every child is gone; the record can be removed",
        },
      },
    ],
    result: done,
  };
}
