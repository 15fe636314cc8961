// `crm reconciler`: reconcile workers on the reconcile queue. Wiring only: what a
// reconcile does is in ../reconciler, how jobs run is in packages/queue.
import type { CrmConfig } from "@oaas/config";
import type { KubeClient } from "@oaas/kube";
import { createHistory, queueNames, startRecordWorker, type History, type RecordWorker } from "@oaas/queue";
import type { Logger, Metrics } from "@oaas/telemetry";
import type { RedisClient } from "@oaas/queue";
import type { ReadinessPart } from "../health/readiness.ts";
import { createReconcileHandler, discoveredRenderContext, reconcileMetrics } from "../reconciler/index.ts";
import { processIdentity } from "../process/identity.ts";
import { roleEventRecorder } from "./event-recorder.ts";
import { workerLifecycle } from "./worker-lifecycle.ts";

/** client-go's workqueue buckets: 1 µs .. 10 s by powers of ten, plus 1 min for delayed work. */
const queueSecondsBuckets: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 60];

export interface ReconcilerRole {
  readonly worker: RecordWorker;
  readonly history: History;
  readonly readiness: ReadinessPart;
  /** Stops taking jobs, aborts and waits for running ones (bounded), then returns. */
  stop(): Promise<void>;
}

export function startReconcilerRole(deps: {
  readonly config: CrmConfig;
  readonly kube: KubeClient;
  readonly redis: RedisClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
}): ReconcilerRole {
  const { config, kube, redis, logger, metrics } = deps;
  const workerId = processIdentity("reconciler");
  const history = createHistory({ connection: redis, prefix: config.redis.prefix });
  const retries = metrics.meter.createCounter("workqueue_retries_total", {
    description: "Job runs that ended in a retry (client-go's name).",
  });
  retries.add(0, { name: queueNames.reconcile });
  const queueSeconds = metrics.meter.createHistogram("workqueue_queue_duration_seconds", {
    description: "Seconds a job waited in the queue before a worker started it (client-go's name).",
    unit: "s",
    advice: { explicitBucketBoundaries: [...queueSecondsBuckets] },
  });
  const handler = createReconcileHandler({
    kube,
    renderContext: discoveredRenderContext(kube, config),
    history,
    events: roleEventRecorder(kube, "oaas.io/crm-reconciler", workerId, logger),
    logger,
    metrics: reconcileMetrics(metrics.meter),
  });
  const worker = startRecordWorker({
    connection: redis,
    prefix: config.redis.prefix,
    queue: queueNames.reconcile,
    concurrency: config.reconcile.concurrency,
    handler,
    workerId,
    logger,
    rateLimit: { ratePerSec: config.reconcile.recordRatePerSecond, burst: config.reconcile.recordBurst },
    attempts: config.reconcile.maxAttempts,
    onStart: (_job, seconds) => {
      queueSeconds.record(seconds, { name: queueNames.reconcile });
    },
    onResult: (_job, result) => {
      if (result.kind === "retry") retries.add(1, { name: queueNames.reconcile });
    },
  });
  return {
    worker,
    history,
    ...workerLifecycle({ name: "reconciler", redis, stop: () => worker.close() }),
  };
}
