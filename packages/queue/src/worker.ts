import { contextFromTraceparent, inSpan } from "@oaas/telemetry";
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { assertPrefixFits, type RedisClient } from "./connection.ts";
import { logQueueErrors } from "./connection-events.ts";
import { queueDefaults } from "./defaults.ts";
import { backoffDelay, capDelay, type BackoffOptions } from "./delays.ts";
import { recordId } from "./keys.ts";
import { priorityOfJob } from "./lanes.ts";
import { markRun } from "./last-run.ts";
import { acquireRecordLease } from "./lease.ts";
import { backoffType, createRecordQueue, type RecordQueue } from "./producer.ts";
import type { QueueLogger } from "./logger.ts";
import { takeRecordToken, type RateLimitOptions } from "./rate-limit.ts";
import { retry, type JobHandler, type QueueName, type ReconcileResult, type RecordJob } from "./types.ts";

/** Why a job went back to delayed without running its handler (or after an aborted run). */
export type PostponeReason = "rate-limit" | "lease-held" | "shutdown";

/** Called once per handler run (not for runs postponed by the rate limit or lease). */
export type ResultHook = (
  job: RecordJob,
  result: ReconcileResult,
  durationMs: number,
  attempt: number,
) => void;

export interface RecordWorkerOptions {
  /** Shared ioredis connection with maxRetriesPerRequest: null (createRedisConnection). Not closed by close(). */
  readonly connection: RedisClient;
  /** BullMQ key prefix; must equal the producers'. Default "oaas"; a Redis Cluster needs a hash tag ("{oaas}"; refused otherwise). */
  readonly prefix?: string;
  readonly queue: QueueName;
  /** Parallel handler runs in this process. Default 16. */
  readonly concurrency?: number;
  readonly handler: JobHandler;
  /** Identifies this process in JobContext, logs and history, e.g. "reconciler-<hostname>-<pid>". */
  readonly workerId: string;
  readonly logger?: QueueLogger;
  /** Per-record token bucket; false turns it off. Default 1/s, burst 5. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Retry backoff: equal-jitter exponential, 1 s doubling to 5 min by default. */
  readonly backoff?: BackoffOptions;
  /** Attempts of the jobs this worker creates itself (requeueAfter). Default 8; producers set their own. */
  readonly attempts?: number;
  /** BullMQ job lock and per-record lease TTL in ms. Default 20 000. */
  readonly lockDurationMs?: number;
  /** Stalled-job check period in ms. Default 10 000. Recovery bound after a crash: lockDurationMs + 2 x stalledIntervalMs + leaseRetryMs. */
  readonly stalledIntervalMs?: number;
  /** Stalls tolerated per job before it fails. Default 2. */
  readonly maxStalledCount?: number;
  /** close() waits this long in ms for aborted handlers. Default 10 000. */
  readonly closeTimeoutMs?: number;
  /** Cap on requeueAfter in ms. Default 1 h (and never above 2^31-1). */
  readonly maxRequeueAfterMs?: number;
  /** Metrics hook (controller_runtime_reconcile_total{result}, reconcile_time_seconds). Must not throw. */
  readonly onResult?: ResultHook;
  /**
   * Called once per handler run, just before it starts, with the seconds the job waited
   * since it was added (or since its initial delay ran out): workqueue_queue_duration_seconds.
   */
  readonly onStart?: (job: RecordJob, queuedSeconds: number) => void;
  /** Metrics hook for jobs sent back to delayed (e.g. a rate-limited counter). Must not throw. */
  readonly onPostpone?: (job: RecordJob, reason: PostponeReason, delayMs: number) => void;
}

export interface RecordWorker {
  /**
   * Graceful shutdown: stops taking jobs, aborts JobContext.signal of running handlers,
   * waits up to closeTimeoutMs for them, then returns. A handler that answers "retry" (or
   * throws) after the abort hands its job back at once without using up an attempt; a
   * handler still running at the deadline is left to stalled-job recovery.
   */
  close(): Promise<void>;
  /** The BullMQ worker (events, tests). */
  readonly worker: Worker<RecordJob, Settled>;
}

/** What a completed job stores as its return value (visible on the dashboard). */
export type Settled = { readonly kind: "done" } | { readonly kind: "requeueAfter"; readonly ms: number };

/**
 * Starts a worker that runs `handler` for the jobs of one queue and maps its
 * ReconcileResult onto BullMQ (the one place this happens):
 * - done -> the job completes;
 * - requeueAfter(ms) -> the job completes and a new delayed job for the record is added
 *   (capped to maxRequeueAfterMs; skipped when an event already queued a follow-up, which
 *   re-evaluates anyway). The attempt count starts again for it;
 * - retry(error), or a thrown exception -> BullMQ retries after the backoff, up to the
 *   job's attempts, then the job fails;
 * - terminal(error) -> UnrecoverableError: failed at once, never retried.
 * Before the handler, each run takes a token of the record's bucket (else the job is
 * delayed until one is due) and the record's lease (else delayed by leaseRetryMs), so one
 * record never runs twice at once across all workers and a hot record waits its turn.
 * Guarantees: never drops a job; at-least-once (a handler may run again after a crash).
 * Caveat: a process frozen longer than lockDurationMs loses lock and lease; its handler is
 * told through JobContext.signal and must stop writing.
 */
export function startRecordWorker(options: RecordWorkerOptions): RecordWorker {
  const prefix = options.prefix ?? queueDefaults.prefix;
  assertPrefixFits(options.connection, prefix);
  const lockDurationMs = options.lockDurationMs ?? queueDefaults.lockDurationMs;
  const closeTimeoutMs = options.closeTimeoutMs ?? queueDefaults.closeTimeoutMs;
  const maxRequeueAfterMs = options.maxRequeueAfterMs ?? queueDefaults.maxRequeueAfterMs;
  const backoff = options.backoff ?? {};
  const redis = options.connection;
  const logger = options.logger;
  const running = new Map<string, AbortController>();
  const requeues = new Set<Promise<void>>();
  let closing = false;
  // A function, not the variable: close() flips it while a handler awaits.
  const isClosing = (): boolean => closing;
  const requeueTo: RecordQueue = createRecordQueue({
    connection: redis,
    prefix,
    name: options.queue,
    attempts: options.attempts ?? queueDefaults.attempts,
    ...(logger ? { logger } : {}),
  });
  const logError =
    (message: string) =>
    (error: unknown): void =>
      void logger?.error(message, {
        error: error instanceof Error ? error.message : String(error),
        worker_id: options.workerId,
      });

  const postpone = async (
    job: Job<RecordJob, Settled>,
    token: string | undefined,
    reason: PostponeReason,
    delayMs: number,
  ): Promise<never> => {
    try {
      options.onPostpone?.(job.data, reason, delayMs);
    } catch (error) {
      logError("onPostpone hook threw")(error);
    }
    return moveBack(job, token, delayMs);
  };

  const processor = async (
    job: Job<RecordJob, Settled>,
    token?: string,
    cancelled?: AbortSignal,
  ): Promise<Settled> => {
    const data = job.data;
    const record = recordId(data.namespace, data.name);
    if (isClosing()) return postpone(job, token, "shutdown", 0);
    if (options.rateLimit !== false) {
      const wait = await takeRecordToken(redis, prefix, options.queue, record, options.rateLimit);
      if (wait > 0) return postpone(job, token, "rate-limit", wait);
    }
    const lease = await acquireRecordLease(
      redis,
      prefix,
      options.queue,
      record,
      lockDurationMs,
      logError("lease renewal failed"),
    );
    if (!lease) return postpone(job, token, "lease-held", queueDefaults.leaseRetryMs);
    const controller = new AbortController();
    const jobId = job.id ?? "";
    running.set(jobId, controller);
    lease.lost.addEventListener("abort", () => controller.abort(lease.lost.reason), { once: true });
    // BullMQ's own cancellation (worker.cancelJob) reaches the handler too.
    cancelled?.addEventListener("abort", () => controller.abort(cancelled.reason), { once: true });
    const attempt = job.attemptsMade + 1;
    try {
      const due = job.timestamp + (job.opts.delay ?? 0);
      options.onStart?.(data, Math.max(0, Date.now() - due) / 1000);
    } catch (error) {
      logError("onStart hook threw")(error);
    }
    const started = performance.now();
    // For the watcher's resync (last-run.ts); best effort, in parallel with the run.
    const marked = markRun(redis, prefix, options.queue, data, Date.now()).catch(
      logError("last-run mark failed"),
    );
    let result: ReconcileResult;
    try {
      result = await runTraced(options.queue, data, jobId, attempt, () =>
        options.handler(data, {
          jobId,
          attempt,
          workerId: options.workerId,
          signal: controller.signal,
        }),
      );
    } catch (error) {
      result = retry(error instanceof Error ? error : new Error(String(error)));
    } finally {
      running.delete(jobId);
      await Promise.all([lease.release(), marked]);
    }
    try {
      options.onResult?.(data, result, performance.now() - started, attempt);
    } catch (error) {
      logError("onResult hook threw")(error);
    }
    switch (result.kind) {
      case "done":
        return { kind: "done" };
      case "requeueAfter":
        return { kind: "requeueAfter", ms: capDelay(result.ms, maxRequeueAfterMs) };
      case "retry":
        // Shutting down: hand the job back now instead of spending an attempt on it.
        if (isClosing()) return postpone(job, token, "shutdown", 0);
        throw result.error;
      case "terminal":
        throw new UnrecoverableError(
          result.reason === undefined ? result.error.message : `${result.reason}: ${result.error.message}`,
        );
    }
  };

  const worker = new Worker<RecordJob, Settled>(options.queue, processor, {
    connection: redis,
    prefix,
    concurrency: options.concurrency ?? queueDefaults.concurrency,
    lockDuration: lockDurationMs,
    stalledInterval: options.stalledIntervalMs ?? queueDefaults.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount ?? queueDefaults.maxStalledCount,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === backoffType ? backoffDelay(attemptsMade, backoff) : 0,
    },
  });
  worker.on("completed", (job, settled) => {
    if (settled.kind !== "requeueAfter") return;
    // The requeue keeps the lane of the run that asked for it.
    const priority = priorityOfJob(job);
    const pending = requeueTo
      .enqueue({ ...job.data, reason: "requeue" }, { priority, delayMs: settled.ms, ifAbsent: true })
      .then(() => undefined, logError("requeueAfter enqueue failed (the next resync picks the record up)"))
      .finally(() => requeues.delete(pending));
    requeues.add(pending);
  });
  worker.on("failed", (job, error) => {
    if (!job) return;
    const final = job.finishedOn !== undefined || error instanceof UnrecoverableError;
    logger?.warn(final ? "job failed" : "job will be retried", {
      namespace: job.data.namespace,
      deployment_id: job.data.name,
      correlation_id: job.data.correlationId,
      job_id: job.id,
      attempt: job.attemptsMade,
      worker_id: options.workerId,
      error: error.message,
    });
  });
  worker.on("lockRenewalFailed", (jobIds: string[]) => {
    for (const id of jobIds) running.get(id)?.abort(new Error(`lock of job ${id} lost`));
  });
  logQueueErrors(worker, logger, "worker error", { queue: options.queue, worker_id: options.workerId });

  return {
    worker,
    close: async () => {
      closing = true;
      const closed = worker.close();
      for (const controller of running.values()) controller.abort(new Error("worker shutting down"));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), closeTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        logger?.warn("handlers still running at the close deadline; their jobs recover as stalled", {
          worker_id: options.workerId,
          running: [...running.keys()],
        });
        await worker.close(true);
      }
      await Promise.allSettled([...requeues]);
      await requeueTo.close();
    },
  };
}

/** Back to delayed without using an attempt (never dropped), then tell BullMQ so. */
async function moveBack(
  job: Job<RecordJob, Settled>,
  token: string | undefined,
  delayMs: number,
): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

/**
 * One consumer span per handler run, named after the queue (e.g. "reconcile"), child of
 * the trace context the job carries (the Deploy that caused it; a new trace when it
 * carries none): every Kubernetes and Redis call of the run is its child. A retry or
 * terminal result marks it failed. A no-op while tracing is off.
 */
function runTraced(
  queue: QueueName,
  job: RecordJob,
  jobId: string,
  attempt: number,
  run: () => Promise<ReconcileResult>,
): Promise<ReconcileResult> {
  return inSpan(
    queue,
    {
      kind: "consumer",
      parent: contextFromTraceparent(job.traceparent),
      attributes: {
        "messaging.system": "bullmq",
        "messaging.destination.name": queue,
        "messaging.message.id": jobId,
        "oaas.record": `${job.namespace}/${job.name}`,
        "oaas.job.reason": job.reason,
        "oaas.job.attempt": attempt,
      },
    },
    async (span) => {
      const result = await run();
      span.setAttribute("oaas.result", result.kind);
      if (result.kind === "retry" || result.kind === "terminal") span.fail(result.error.message);
      return result;
    },
  );
}
