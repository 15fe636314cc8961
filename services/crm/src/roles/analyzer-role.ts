// `crm analyzer`: analyze workers on the analyze queue, any number of processes. Wiring
// only: what an analysis does is in ../analyzer, how jobs run is in packages/queue, the
// schedules that make the jobs are the watcher's (../analyzer/schedule-sync.ts).
import { watchedNamespaces, type CrmConfig } from "@oaas/config";
import type { KubeClient } from "@oaas/kube";
import { durationMs, nfrSettings } from "@oaas/nfr";
import { promClientOf } from "./prom-client.ts";
import {
  createHistory,
  createRecordQueue,
  queueDefaults,
  queueNames,
  startRecordWorker,
  type RecordWorker,
  type RedisClient,
} from "@oaas/queue";
import type { Logger, Metrics } from "@oaas/telemetry";
import { analyzerMetrics } from "../analyzer/metrics.ts";
import { CycleCache } from "../analyzer/cycle-cache.ts";
import { gateSource } from "../analyzer/gate.ts";
import { createAnalyzeHandler } from "../analyzer/handler.ts";
import { spacingClaim } from "../analyzer/spacing.ts";
import type { ReadinessPart } from "../health/readiness.ts";
import { detectCapabilities } from "../reconciler/capabilities.ts";
import { startRecordCache } from "../deployments/record-cache.ts";
import { processIdentity } from "../process/identity.ts";
import { workerLifecycle } from "./worker-lifecycle.ts";

export interface AnalyzerRole {
  readonly worker: RecordWorker;
  readonly readiness: ReadinessPart;
  /** Stops taking jobs, waits for running ones (bounded), stops the record cache. */
  stop(): Promise<void>;
}

export function startAnalyzerRole(deps: {
  readonly config: CrmConfig;
  readonly kube: KubeClient;
  readonly redis: RedisClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
}): AnalyzerRole {
  const { config, kube, redis, logger } = deps;
  const prefix = config.redis.prefix;
  const settings = nfrSettings(config);
  const metrics = analyzerMetrics(deps.metrics.meter);
  // Records are read from a cache of the served namespaces (one LIST+WATCH each per process),
  // not with a GET per analysis.
  const records = startRecordCache({ kube, namespaces: watchedNamespaces(config), logger });
  const gate = gateSource(config, async () => (await detectCapabilities(kube)).prometheusOperatorInstalled);
  const intervalMs = config.analyzer.intervalSeconds * 1000;
  const { prom } = promClientOf(config);
  const cycles = new CycleCache({
    run: (query, window) =>
      prom ? prom.run(query, window) : Promise.resolve({ ok: false, error: "OPRC_CRM_PROM_URL is not set" }),
    queryOptions: { rateWindow: settings.analysis.rateWindow, range: config.prometheus.range },
    rangeMs: durationMs(config.prometheus.range),
    stepMs: durationMs(config.prometheus.step),
    ttlMs: intervalMs,
    now: Date.now,
    onQuery: (query, outcome, seconds) => metrics.queried(query, outcome, seconds),
  });
  const enforceQueue = createRecordQueue({ connection: redis, prefix, name: queueNames.enforce, logger });
  const workerId = processIdentity("analyzer");
  const handler = createAnalyzeHandler({
    claim: spacingClaim(redis, prefix, intervalMs / 2),
    kube,
    cached: (namespace, name) => (records.hasSynced() ? records.get(namespace, name) : undefined),
    recordsIn: (namespace) => records.list(namespace),
    gate,
    cycles,
    settings: settings.analysis,
    enforcementEnabled: config.features.nfrEnforcement,
    minConfidence: settings.enforcement.minConfidence,
    enforce: (job) => enforceQueue.enqueue(job),
    history: createHistory({ connection: redis, prefix }),
    logger,
    metrics,
  });
  const worker = startRecordWorker({
    connection: redis,
    prefix,
    queue: queueNames.analyze,
    concurrency: queueDefaults.concurrency,
    handler,
    workerId,
    logger,
    // One scheduler per record already paces it; the per-record lease still keeps two
    // analyses of one record from overlapping.
    rateLimit: false,
    attempts: 1,
  });
  void gate().then(
    (state) =>
      logger.info(state.open ? "analyzer: asking Prometheus" : "analyzer: Prometheus disabled", {
        interval_seconds: config.analyzer.intervalSeconds,
        ...(state.open ? {} : { why: state.message }),
      }),
    (error: unknown) =>
      logger.warn("analyzer: discovery of the Prometheus Operator failed", { error: String(error) }),
  );
  return {
    worker,
    ...workerLifecycle({
      name: "analyzer",
      redis,
      notReady: () => (records.hasSynced() ? undefined : "record cache has not synced yet"),
      stop: async () => {
        await worker.close();
        await enforceQueue.close();
        await records.stop();
      },
    }),
  };
}
