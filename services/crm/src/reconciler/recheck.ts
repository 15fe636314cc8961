// When to look at a rollout again if no child event arrives. Child events (the watcher's
// Deployment, Service and Knative informers) drive a rollout; this look is only a safety
// net. A fixed net is costly at scale: 1000 records progressing with a 10 s net make 100
// reconciles/s of pure polling, each reading every child kind from the API server
// (bench:converge, 1000 units, 4 reconcilers: 16.4 reconciles per record instead of 2, and
// the polling slowed the very pods it was waiting for). So the wait grows with the time
// the record has been progressing, a doubling back-off that needs no state: the Progressing
// condition's lastTransitionTime gives the age. The first look comes after 60 s: child
// events carry every change the record shows (watcher/changes.ts), so the net only
// matters for an event lost in a watch gap, and the informer's relist after a gap delivers
// those anyway (and the watcher's resync every record). 10, 20 and 40 s looks were most of
// the runs of a 1000-record rollout; moving the first look from 30 to 60 s took a
// 1000-record rollout of about 200 s with 4 reconcilers on a 2-core cluster from 4.04 to
// 3.75 reconciles per record and from 282 to 262 s (one run each).
import { findCondition } from "@oaas/crd";
import type { ReconcilerStatus } from "./status.ts";

/** Default shortest and longest waits in ms; the longest matches the default resync (300 s). */
export const recheckBounds = { minMs: 60_000, maxMs: 300_000 } as const;

/**
 * Delay in ms before the next look at a record that is still rolling out: the time since
 * its Progressing condition turned True, clamped to [minMs, maxMs]. Looks therefore come
 * at about 60, 120, 240 s, then every 300 s. Without a parsable Progressing=True
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
