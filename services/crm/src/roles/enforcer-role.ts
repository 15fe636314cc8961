// `crm enforcer`: enforce workers on the enforce queue (any number of processes; one
// record never runs twice at once: the queue's per-record lease). Wiring only: what a run
// does is in ../enforcer, how jobs run is in packages/queue.
import type { CrmConfig } from "@oaas/config";
import type { KubeClient } from "@oaas/kube";
import { nfrSettings } from "@oaas/nfr";
import {
  createHistory,
  queueNames,
  startRecordWorker,
  type RecordWorker,
  type RedisClient,
} from "@oaas/queue";
import type { Logger, Metrics } from "@oaas/telemetry";
import { createEnforceHandler } from "../enforcer/handler.ts";
import { createEnforcerStore } from "../enforcer/state-store.ts";
import type { ReadinessPart } from "../health/readiness.ts";
import { processIdentity } from "../process/identity.ts";
import { roleEventRecorder } from "./event-recorder.ts";
import { workerLifecycle } from "./worker-lifecycle.ts";

export interface EnforcerRole {
  readonly worker: RecordWorker;
  readonly readiness: ReadinessPart;
  /** Stops taking jobs, aborts and waits for running ones (bounded), then returns. */
  stop(): Promise<void>;
}

export function startEnforcerRole(deps: {
  readonly config: CrmConfig;
  readonly kube: KubeClient;
  readonly redis: RedisClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
}): EnforcerRole {
  const { config, kube, redis, logger, metrics } = deps;
  const workerId = processIdentity("enforcer");
  const settings = nfrSettings(config).enforcement;
  const applied = metrics.meter.createCounter("oaas_nfr_enforcer_changes_total", {
    description: "Recommendations the enforcer applied, by dimension.",
  });
  const handler = createEnforceHandler({
    kube,
    store: createEnforcerStore(redis, config.redis.prefix),
    history: createHistory({ connection: redis, prefix: config.redis.prefix }),
    events: roleEventRecorder(kube, "oaas.io/crm-enforcer", workerId, logger),
    settings,
    logger,
    onApplied: (change) => applied.add(1, { dimension: change.dimension }),
  });
  const worker = startRecordWorker({
    connection: redis,
    prefix: config.redis.prefix,
    queue: queueNames.enforce,
    concurrency: config.reconcile.concurrency,
    handler,
    workerId,
    logger,
    // Runs come from analyses (one per record per interval) and the handler's own
    // requeues: the reconcile queue's per-record rate limit fits them as well.
    rateLimit: { ratePerSec: config.reconcile.recordRatePerSecond, burst: config.reconcile.recordBurst },
    attempts: config.reconcile.maxAttempts,
  });
  logger.info("enforcer started", {
    enforcement_enabled: settings.enabled,
    stability_ms: settings.stabilityMs,
    cooldown_ms: settings.cooldownMs,
  });
  return {
    worker,
    ...workerLifecycle({ name: "enforcer", redis, stop: () => worker.close() }),
  };
}
