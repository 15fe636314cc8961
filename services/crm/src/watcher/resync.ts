// When the periodic resync asks for a record again. The resync exists to catch what
// events missed (a lost job, a filtered event, an edit of something the CRM does not
// watch), so a record needs it only when nothing has looked at it for a whole interval:
// re-running records a worker reconciled seconds ago reads every child again and learns
// nothing (at 1000 records on 2 cores such a burst was ~1 extra run per record in the
// middle of a rollout). The watcher therefore sweeps often and enqueues only the records
// that are due, which also spreads the resync's load instead of sending every record at
// once.

/**
 * Largest share by which a record's own period is shorter than the interval: a fixed
 * per-record fraction of it (from the uid), so records reconciled together drift apart
 * over the following cycles. 10% as controller-runtime jitters its cache SyncPeriod.
 */
export const resyncJitter = 0.1;

/** Sweeps per interval: a due record waits at most a tenth of the interval for its sweep. */
const sweepsPerInterval = 10;
/** Bounds of the sweep period, ms: no busier than 10/s (tests), no lazier than 30 s. */
const sweepBoundsMs = { min: 100, max: 30_000 } as const;

/** How often the watcher looks for due records, ms, for a resync interval in ms. */
export function sweepPeriodMs(intervalMs: number): number {
  return Math.min(sweepBoundsMs.max, Math.max(sweepBoundsMs.min, intervalMs / sweepsPerInterval));
}

/**
 * The record's own resync period, ms: within (intervalMs x (1 - resyncJitter), intervalMs],
 * fixed per uid. Every record is thus looked at least once per interval plus one sweep
 * period, whatever the load.
 */
export function recordPeriodMs(intervalMs: number, uid: string): number {
  return intervalMs * (1 - resyncJitter * uidFraction(uid));
}

/**
 * True when the record should be enqueued by this sweep: nothing has looked at it (a
 * handler run started, or the watcher asked for one) for its period. `lastLookMs` is
 * undefined when nothing is known (a new term, expired marks): then it is due.
 */
export function resyncDue(
  nowMs: number,
  lastLookMs: number | undefined,
  intervalMs: number,
  uid: string,
): boolean {
  return lastLookMs === undefined || nowMs - lastLookMs >= recordPeriodMs(intervalMs, uid);
}

/** A stable fraction in [0, 1) from a string (FNV-1a, 32 bit). */
function uidFraction(uid: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) {
    hash ^= uid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}
