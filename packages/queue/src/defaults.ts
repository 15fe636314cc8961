// Every default of the queue edge in one place, with its unit and why it was chosen.
// The README's "Defaults" table mirrors this file.

export const queueDefaults = {
  /** Redis URL when none is configured. */
  redisUrl: "redis://127.0.0.1:6379",
  /** BullMQ key prefix. In a Redis Cluster use a hash tag, e.g. "{oaas}", so every key of a queue shares a slot. */
  prefix: "oaas",

  /**
   * Runs of one job before it counts as failed (1 first run + 7 retries). With the backoff
   * below the retries span about 1+2+4+8+16+32+64 s ~ 2 min before jitter: long enough to
   * ride out an API-server restart or a 429 storm, short enough that a persistent failure
   * shows up as failed on the dashboard within minutes. The periodic resync enqueues the
   * record again afterwards, so giving up is never permanent.
   */
  attempts: 8,
  /** First retry delay in ms; doubles per attempt (controller-runtime's per-item limiter starts at 5 ms but has no Redis round trip to amortise). */
  backoffBaseMs: 1000,
  /** Cap on one retry delay in ms (controller-runtime caps at 1000 s; 5 min keeps a broken record visible). */
  backoffMaxMs: 5 * 60_000,

  /**
   * Cap on a requeueAfter delay in ms (1 h). Longer waits are pointless: the periodic
   * resync looks at every record more often than that. Node's timer range (2^31-1 ms,
   * ~24.8 days) is the hard ceiling for any delay.
   */
  maxRequeueAfterMs: 60 * 60_000,
  /** The largest delay a Node timer (and thus BullMQ) can hold. */
  timerMaxMs: 2 ** 31 - 1,

  /** Completed jobs kept for the dashboard: the last 1000, and none older than 1 h. */
  removeOnComplete: { count: 1000, age: 60 * 60 },
  /** Failed jobs kept longer (the dashboard's "what broke"): the last 5000, at most 7 days. */
  removeOnFail: { count: 5000, age: 7 * 24 * 60 * 60 },

  /** Parallel handler runs per worker process: reconciles wait on the API server, not the CPU (the CRM's profiles use the same 16). */
  concurrency: 16,
  /**
   * BullMQ job lock in ms, renewed every half of it while a handler runs. 20 s tolerates
   * event-loop stalls of several seconds on a loaded node without false stalls.
   */
  lockDurationMs: 20_000,
  /**
   * Stalled-job check period in ms. A SIGKILLed worker's job runs again on another worker
   * within lockDurationMs + 2 x stalledIntervalMs + leaseRetryMs (40.5 s with these
   * defaults; typically lockDurationMs + stalledIntervalMs) while any worker runs: the lock
   * expires, one check marks the job, the next moves it back to wait (checks are shared by
   * all workers, at most one per interval, so two may be up to two intervals apart), and
   * the per-record lease (same TTL as the lock) may need one more look.
   */
  stalledIntervalMs: 10_000,
  /** Stalls tolerated per job before it fails (a record that crashes workers must not loop forever). */
  maxStalledCount: 2,
  /** How long close() waits for aborted handlers before it gives up on them (their jobs then recover as stalled). */
  closeTimeoutMs: 10_000,
  /** Delay in ms before a job that found its record's lease held looks again. */
  leaseRetryMs: 500,

  /** Per-record token bucket: sustained reconciles per second of one record. */
  ratePerSec: 1,
  /** Per-record token bucket: reconciles one record may do back to back before the rate applies. */
  burst: 5,

  /**
   * How long a record's last-run mark lives, ms (24 h). Far longer than any sensible
   * resync interval; an expired mark only costs one resync run of the record.
   */
  lastRunTtlMs: 24 * 60 * 60_000,

  /** History entries kept per record (exact XADD MAXLEN). */
  historyMaxEntries: 100,
} as const;
