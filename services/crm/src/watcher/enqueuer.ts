// Hands jobs to the queue without ever letting a queue failure hurt the watcher:
// a failed enqueue (Redis down) is logged, counted and retried with backoff a bounded
// number of times; while a retry waits, newer jobs for the same record replace it (the
// job is level-based, only the latest reason matters). After the last attempt the job is
// dropped: the periodic resync re-enqueues every record, so delivery is eventual.
//
// It can also hold events that may wait (a child's health changed) for a settle delay
// (off by default), so the changes of one record's children that come together are one
// job, not one each: with several reconciler processes the queue is often empty, and each
// such event is then its own run. The delay is fixed from the first held event, never
// extended by later ones, so a steady stream of events cannot hold a record back; and an
// event that may not wait (the record changed, a child was edited or deleted) takes the
// held one's place, since the job it makes reads everything anew.
import { higherPriority, type JobPriority, type RecordJob } from "@oaas/queue";
import { backoffDelayMs, sleep } from "@oaas/kube";
import { withContext, type Logger } from "@oaas/telemetry";

/** The queue's producer (packages/queue); injected so the watcher has no Redis of its own. */
/** One add to the queue. Its outcome (RecordQueue's EnqueueOutcome: job id, coalesced) is only logged. */
export type Enqueue = (job: RecordJob, options: { readonly priority: JobPriority }) => Promise<unknown>;

export interface EnqueueRetry {
  /** Attempts per job, the first included. Default 5. */
  readonly attempts?: number;
  /** Backoff ceiling of the first retry, ms. Default 1 000. */
  readonly initialMs?: number;
  /** Backoff ceiling, ms. Default 30 000. */
  readonly maxMs?: number;
}

/** Metric hooks; the integrator maps them to Prometheus names. */
export interface WatcherMetrics {
  /** Leader status changed: 1 leading, 0 not (`leader_election_master_status`). */
  readonly leaderStatus?: (leading: boolean) => void;
  /** One enqueue attempt ended (`..._enqueue_total{reason,priority,result}`). */
  readonly enqueued?: (job: RecordJob, priority: JobPriority, result: "ok" | "error") => void;
}

interface Pending {
  job: RecordJob;
  priority: JobPriority;
}

export class Enqueuer {
  private readonly waiting = new Map<string, Pending>();
  private readonly settling = new Map<string, { pending: Pending; timer: NodeJS.Timeout }>();
  private readonly inFlight = new Set<Promise<void>>();
  private failures = 0;

  constructor(
    private readonly enqueue: Enqueue,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
    private readonly retry: EnqueueRetry = {},
    private readonly metrics: WatcherMetrics = {},
    /**
     * Checked before every enqueue: false drops the job as if the term had ended (the
     * leader's lease is no longer fresh: LeaderElector.holdsFreshLease). Default: always true.
     */
    private readonly mayAct: () => boolean = () => true,
  ) {
    signal.addEventListener("abort", () => this.dropSettling(), { once: true });
  }

  /** Submits a job; never throws, never rejects. */
  submit(job: RecordJob, priority: JobPriority): void {
    if (this.isAborted()) return;
    const key = `${job.namespace}/${job.name}`;
    // This job makes the record's next run read everything: a held event adds nothing.
    const held = this.settling.get(key);
    if (held) {
      clearTimeout(held.timer);
      this.settling.delete(key);
      priority = higherPriority(held.pending.priority, priority);
    }
    const waiting = this.waiting.get(key);
    if (waiting) {
      // A retry loop for this record is waiting: the newer job replaces its payload; the
      // highest lane is kept.
      waiting.job = job;
      waiting.priority = higherPriority(waiting.priority, priority);
      return;
    }
    const run = this.deliver(key, { job, priority });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /**
   * Submits a job `settleMs` ms from now (at once when 0). Later events for the same
   * record during that time replace its payload (latest wins, highest lane kept) without moving
   * the time; submit() for the record takes its place. Never throws.
   */
  submitAfterSettle(job: RecordJob, priority: JobPriority, settleMs: number): void {
    if (this.isAborted()) return;
    if (settleMs <= 0) return this.submit(job, priority);
    const key = `${job.namespace}/${job.name}`;
    const held = this.settling.get(key);
    if (held) {
      held.pending.job = job;
      held.pending.priority = higherPriority(held.pending.priority, priority);
      return;
    }
    const pending: Pending = { job, priority };
    const timer = setTimeout(() => {
      this.settling.delete(key);
      this.submit(pending.job, pending.priority);
    }, settleMs);
    this.settling.set(key, { pending, timer });
  }

  /** Records whose held event has not been submitted yet. */
  settlingCount(): number {
    return this.settling.size;
  }

  /** Enqueue attempts that failed since start. */
  failedAttempts(): number {
    return this.failures;
  }

  /** Resolves when every delivery in progress has ended (after the signal fired, promptly). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** The term ended: held events are dropped (the next leader's startup list covers them). */
  private dropSettling(): void {
    for (const { timer } of this.settling.values()) clearTimeout(timer);
    this.settling.clear();
  }

  private isAborted(): boolean {
    return this.signal.aborted || !this.mayAct();
  }

  private async deliver(key: string, pending: Pending): Promise<void> {
    const attempts = this.retry.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const { job, priority } = pending;
      // A retry's wait may outlive the term, or the process may have been paused past its lease.
      if (attempt > 1 && this.isAborted()) {
        this.waiting.delete(key);
        return;
      }
      try {
        const outcome = await this.enqueue(job, { priority });
        this.metrics.enqueued?.(job, priority, "ok");
        withContext(this.logger, { correlationId: job.correlationId, record: key }).debug("enqueued", {
          reason: job.reason,
          priority,
          ...(typeof outcome === "object" && outcome !== null ? outcome : {}),
        });
        // A newer job arrived during a retry's attempt: deliver it too.
        if (pending.job !== job && !this.isAborted()) {
          attempt = 0;
          continue;
        }
        this.waiting.delete(key);
        return;
      } catch (error) {
        this.failures++;
        this.metrics.enqueued?.(job, priority, "error");
        const log = withContext(this.logger, { correlationId: job.correlationId, record: key });
        if (attempt >= attempts || this.isAborted()) {
          this.waiting.delete(key);
          log.error("enqueue failed: giving up until the next resync", {
            reason: job.reason,
            attempts: attempt,
            error: error instanceof Error ? error.message : String(error),
          });
          return;
        }
        const delay = backoffDelayMs(attempt, {
          initialMs: this.retry.initialMs ?? 1000,
          maxMs: this.retry.maxMs ?? 30_000,
        });
        log.warn("enqueue failed: retrying", {
          reason: job.reason,
          attempt,
          retry_in_ms: delay,
          error: error instanceof Error ? error.message : String(error),
        });
        this.waiting.set(key, pending);
        await sleep(delay, this.signal);
        if (this.isAborted()) {
          this.waiting.delete(key);
          return;
        }
      }
    }
  }
}
