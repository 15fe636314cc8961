// When to look at a rollout again if no child event arrives. Child events (the watcher's
// Deployment, Service and Knative informers) drive a rollout, a stuck one included (the
// deployment controller writes ProgressDeadlineExceeded into the Deployment's status,
// which is an event); this look is only a safety net for an event lost in a watch gap,
// and the informer's relist after a gap delivers those anyway, as does the watcher's
// resync of every record (default every 300 s). A net at scale is costly polling: a
// fixed 10 s net over 1000 progressing records was 100 reconciles/s, each reading every
// child kind from the API server. A first look after 60 s, doubling with the rollout's
// age, was still 0.55 (1 reconciler) and 1.14 (2 reconcilers) runs per record of a
// 1000-record rollout on a 2-core cluster (bench:converge; 264 and 290 s): the slower
// the cluster, the more records outlive the net, and the polling slowed it further. So
// the first look comes when a resync would (300 s), then the wait grows with the time
// the record has been progressing, a back-off that needs no state: the Progressing
// condition's lastTransitionTime gives the age.
import { findCondition } from "@oaas/crd";
import type { ReconcilerStatus } from "./status.ts";

/** Default shortest and longest waits in ms: the default resync interval (300 s) and twice it. */
export const recheckBounds = { minMs: 300_000, maxMs: 600_000 } as const;

/**
 * Delay in ms before the next look at a record that is still rolling out: the time since
 * its Progressing condition turned True, clamped to [minMs, maxMs]. Looks therefore come
 * at about 300 and 600 s, then every 600 s. Without a parsable Progressing=True
 * condition, minMs.
 */
export function progressRecheckMs(
  status: Pick<ReconcilerStatus, "conditions">,
  now: Date,
  minMs: number = recheckBounds.minMs,
  maxMs: number = recheckBounds.maxMs,
): number {
  const progressing = findCondition(status.conditions, "Progressing");
  const since = progressing?.status === "True" ? Date.parse(progressing.lastTransitionTime) : Number.NaN;
  const age = now.getTime() - since;
  if (!Number.isFinite(age)) return minMs;
  return Math.min(Math.max(age, minMs), Math.max(minMs, maxMs));
}
