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
//
// Pods are another matter: no event the CRM watches says that a pod cannot be scheduled,
// cannot pull its image or keeps crashing (the Deployment's status does not change), yet
// that is what a person needs to read within seconds. So a run that read a workload's
// pods (observe.ts podReads: only while a workload is not available) looks again soon,
// backing off with the time since the record's conditions last changed (a new reason, a
// fix, a new spec all restart it): about 5, 10, 20, 40... s, then every podBounds.maxMs.
// A reason that shows at age T is thus read by about 2T; one that clears by a fix is an
// event (the pods become available, the Deployment's status changes).
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

/** Default shortest and longest waits in ms while a workload's pods are watched (podRecheckMs). */
export const podRecheckBounds = { minMs: 5_000, maxMs: 300_000 } as const;

/**
 * Delay in ms before the next look at a record whose run read pods (a workload is not
 * available): the time since the latest lastTransitionTime of its Available, Progressing
 * and Degraded conditions, clamped to [minMs, maxMs]; minMs without a parsable one.
 */
export function podRecheckMs(
  status: Pick<ReconcilerStatus, "conditions">,
  now: Date,
  minMs: number = podRecheckBounds.minMs,
  maxMs: number = podRecheckBounds.maxMs,
): number {
  const times = (status.conditions ?? [])
    .filter((c) => c.type === "Available" || c.type === "Progressing" || c.type === "Degraded")
    .map((c) => Date.parse(c.lastTransitionTime))
    .filter((t) => Number.isFinite(t));
  const age = times.length === 0 ? Number.NaN : now.getTime() - Math.max(...times);
  if (!Number.isFinite(age)) return minMs;
  return Math.min(Math.max(age, minMs), Math.max(minMs, maxMs));
}
