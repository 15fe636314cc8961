// Hands jobs to the queue without ever letting a queue failure hurt the watcher:
// a failed enqueue (Redis down) is logged, counted and retried with backoff a bounded
// number of times; while a retry waits, newer jobs for the same record replace it (the
// job is level-based, only the latest reason matters). After the last attempt the job is
// dropped: the periodic resync re-enqueues every record, so delivery is eventual.
import type { JobPriority, RecordJob } from "@oaas/queue";
import { backoffDelayMs, sleep } from "@oaas/kube";
import { withContext, type Logger } from "@oaas/telemetry";

/** The queue's producer (packages/queue); injected so the watcher has no Redis of its own. */
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
  private readonly inFlight = new Set<Promise<void>>();
  private failures = 0;

  constructor(
    private readonly enqueue: Enqueue,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
    private readonly retry: EnqueueRetry = {},
    private readonly metrics: WatcherMetrics = {},
  ) {}

  /** Submits a job; never throws, never rejects. */
  submit(job: RecordJob, priority: JobPriority): void {
    if (this.isAborted()) return;
    const key = `${job.namespace}/${job.name}`;
    const waiting = this.waiting.get(key);
    if (waiting) {
      // A retry loop for this record is waiting: the newer job replaces its payload; a
      // live change keeps live priority.
      waiting.job = job;
      if (priority === "live") waiting.priority = "live";
      return;
    }
    const run = this.deliver(key, { job, priority });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Enqueue attempts that failed since start. */
  failedAttempts(): number {
    return this.failures;
  }

  /** Resolves when every delivery in progress has ended (after the signal fired, promptly). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private isAborted(): boolean {
    return this.signal.aborted;
  }

  private async deliver(key: string, pending: Pending): Promise<void> {
    const attempts = this.retry.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const { job, priority } = pending;
      try {
        await this.enqueue(job, { priority });
        this.metrics.enqueued?.(job, priority, "ok");
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
