// `crm watcher`: the watcher (Lease, informers, resync) feeding the reconcile queue.
// Wiring only: the behaviour lives in ../watcher and packages/queue.
import { watchedNamespaces, type CrmConfig } from "@oaas/config";
import type { KubeClient } from "@oaas/kube";
import { createRecordQueue, queueNames, type RecordQueue } from "@oaas/queue";
import type { Logger, Metrics } from "@oaas/telemetry";
import type { RedisClient } from "@oaas/queue";
import type { ReadinessPart } from "../health/readiness.ts";
import { createAnalyzeSchedules } from "../analyzer/schedules.ts";
import { scheduleSync } from "../analyzer/schedule-sync.ts";
import { startWatcher, type Watcher } from "../watcher/index.ts";
import { processIdentity } from "../process/identity.ts";

export interface WatcherRole {
  readonly watcher: Watcher;
  readonly queue: RecordQueue;
  readonly readiness: ReadinessPart;
  /** Stops informers, releases the Lease (a standby takes over at once), closes the producer. */
  stop(): Promise<void>;
}

export function startWatcherRole(deps: {
  readonly config: CrmConfig;
  readonly kube: KubeClient;
  readonly redis: RedisClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
}): WatcherRole {
  const { config, kube, redis, logger, metrics } = deps;
  const queue = createRecordQueue({
    connection: redis,
    prefix: config.redis.prefix,
    name: queueNames.reconcile,
    attempts: config.reconcile.maxAttempts,
  });
  // One analyze schedule per record while analysis is possible (a Prometheus URL is
  // set); otherwise every schedule goes, so a CRM without Prometheus has none.
  const schedules = createAnalyzeSchedules({
    connection: redis,
    prefix: config.redis.prefix,
    intervalMs: config.analyzer.intervalSeconds * 1000,
  });
  const meter = metrics.meter;
  const leader = meter.createObservableGauge("leader_election_master_status", {
    description: "1 while this process leads (holds the watcher Lease), else 0 (client-go's name).",
  });
  const adds = meter.createCounter("workqueue_adds_total", {
    description: "Jobs handed to the queue (client-go's name), by result of the enqueue.",
  });
  const depth = meter.createObservableGauge("workqueue_depth", {
    description: "Jobs waiting, prioritized or delayed in the queue (client-go's name).",
  });
  const age = meter.createObservableGauge("oaas_informer_last_event_age_seconds", {
    description: "Seconds since each informer's last event, bookmark, list or watch re-open.",
    unit: "s",
  });
  const watcher = startWatcher({
    kube,
    // Every served namespace, one informer set each: the ingress refuses any other
    // (servedNamespaces, same rule). The Lease stays in the CRM's own namespace.
    namespaces: watchedNamespaces(config),
    logger,
    identity: processIdentity("watcher"),
    enqueue: (job, options) => queue.enqueue(job, options),
    leaderElection: config.features.leaderElection
      ? {
          namespace: config.namespace,
          leaseName: config.watcher.leaseName,
          leaseDurationMs: config.watcher.leaseDurationSeconds * 1000,
          renewDeadlineMs: config.watcher.renewDeadlineSeconds * 1000,
          retryPeriodMs: config.watcher.retryPeriodSeconds * 1000,
        }
      : false,
    resyncIntervalMs: config.watcher.resyncSeconds * 1000,
    lastRuns: (records) => queue.lastRuns(records),
    childSettleMs: config.watcher.childSettleMs,
    recordHooks: scheduleSync(schedules, logger, { enabled: config.prometheus.url !== undefined }),
    metrics: {
      enqueued: (_job, priority, result) => {
        adds.add(1, { name: queueNames.reconcile, priority, result });
      },
    },
  });
  leader.addCallback((result) => {
    result.observe(watcher.isLeader() ? 1 : 0, { name: config.watcher.leaseName });
  });
  depth.addCallback(async (result) => {
    try {
      result.observe(await queue.depth(), { name: queueNames.reconcile });
    } catch {
      // Redis down: no sample rather than a wrong one; /readyz and logs say why.
    }
  });
  age.addCallback((result) => {
    for (const [resource, ms] of Object.entries(watcher.activityAgesMs()))
      result.observe(ms / 1000, { resource });
  });
  return {
    watcher,
    queue,
    readiness: {
      name: "watcher",
      check: () => {
        const state = watcher.ready();
        return { ready: state.ok, reason: state.reason };
      },
    },
    stop: async () => {
      await watcher.stop();
      await queue.close();
      await schedules.close();
    },
  };
}
