// The CRM program: `crm <role>`. One image, many roles: ingress, watcher, reconciler,
// analyzer, enforcer, and `all` (every built role in one process: the dev/edge default);
// `crds` installs or upgrades the CRD; `history <deployment-id>` prints a record's history;
// `nfr explain <deployment-id>` explains its NFR recommendations and decisions.
// Exit codes: 0 clean stop, 1 bad configuration or failed startup, 2 bad usage (unknown or
// not yet built role); `history` and `nfr explain` exit 3 when the id has nothing. The
// command line is parsed in command-line.ts (commander). Started by main.ts once tracing
// is set up (see there why).
import { ConfigError, describeConfig, parseCrmConfig, type CrmConfig } from "@oaas/config";
import { KubeClient, loadKubeConfig } from "@oaas/kube";
import { createHistory, RedisConfigError, type RedisClient } from "@oaas/queue";
import {
  createLogger,
  createMetrics,
  installProcessGuards,
  routeConsoleToLogger,
  type Logger,
} from "@oaas/telemetry";
import { applyCrds } from "./crds.ts";
import { allReady, type ReadinessPart } from "./health/readiness.ts";
import { startIngress } from "./ingress/ingress.ts";
import { neededQueues } from "./health/workers-health.ts";
import { workersProbe } from "./health/workers-probe.ts";
import { startDashboardRole } from "./roles/dashboard-role.ts";
import { printHistory } from "./roles/history-command.ts";
import { kubeClientMetrics } from "./roles/kube-metrics.ts";
import { startHealthServer } from "./roles/health-server.ts";
import { openQueueRedis, queueRedisClient, redisMonitor } from "./roles/queue-redis.ts";
import { startAnalyzerRole } from "./roles/analyzer-role.ts";
import { startEnforcerRole } from "./roles/enforcer-role.ts";
import { runNfrCommand } from "./roles/nfr-command.ts";
import { nfrExplainer } from "./roles/nfr-explainer.ts";
import { startReconcilerRole } from "./roles/reconciler-role.ts";
import { startWatcherRole } from "./roles/watcher-role.ts";
import type { Role } from "./roles/role-names.ts";
import { runCommandLine } from "./command-line.ts";
import { createCrmAuth, warnOpen, type CrmAuth } from "./process/gate.ts";
import { crmVersion } from "./version.ts";

/** Runs `crm <argv>` to its end; resolves with the exit code (command-line.ts parses argv). */
export function main(argv: readonly string[]): Promise<number> {
  return runCommandLine(
    argv,
    {
      role: (role) => withConfig((config) => runRole(role, config)),
      crds: installCrds,
      history: (id, options) => withConfig((config) => printHistory(config, id, options)),
      nfrExplain: (id, options) => withConfig((config) => runNfrCommand(config, id, options)),
    },
    { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
  );
}

/** `crm crds`: applies the CRD and waits until it is Established. */
async function installCrds(): Promise<number> {
  const kube = await KubeClient.create(loadKubeConfig());
  try {
    await applyCrds(kube);
    console.error("crm crds: DeploymentRecord CRD applied and Established");
    return 0;
  } finally {
    await kube.close();
  }
}

/** Runs `run` with the CRM's settings from the environment; exit 1 when they are invalid. */
async function withConfig(run: (config: CrmConfig) => Promise<number>): Promise<number> {
  let config: CrmConfig;
  try {
    config = parseCrmConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`crm: invalid configuration:\n${error.message}`);
      return 1;
    }
    throw error;
  }
  return run(config);
}

async function runRole(role: Role, config: CrmConfig): Promise<number> {
  const logger = createLogger({ service: `crm-${role}`, level: config.log.level });
  const metrics = createMetrics({ serviceName: "oaas-crm" });
  installProcessGuards({ logger, metrics });
  // From here on every line this process writes is JSON, also what libraries print.
  routeConsoleToLogger(logger);
  // Once, at startup: every setting, where it came from, secrets redacted.
  logger.info("configuration", { version: crmVersion, role, config: describeConfig(config) });
  // One authentication for the whole process: in `crm all` every role shares its gate,
  // its followed credential files and its failed-authentication limiter.
  let auth: CrmAuth;
  try {
    auth = await createCrmAuth(config, logger, metrics);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error(`crm ${role}: cannot read the credentials: ${message}`, { error: message });
    await metrics.shutdown();
    return 1;
  }
  // Once per process, whatever roles it serves (the unref'd timer ends with it).
  warnOpen(config, logger);
  const kube = await KubeClient.create(loadKubeConfig(), {
    ...kubeClientMetrics(metrics.meter),
    maxInFlight: config.kube.maxInFlight,
  });
  const stops: (() => Promise<void>)[] = [];
  let redis: RedisClient | undefined;
  const monitor = redisMonitor(config, logger, metrics);
  try {
    const needsQueue = role !== "ingress";
    if (needsQueue) {
      try {
        redis = await openQueueRedis(config, logger, monitor);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.error(
          `crm ${role}: ${error instanceof RedisConfigError ? "" : "cannot use Redis: "}${message}`,
          { error: message },
        );
        return 1;
      }
    }
    const parts: ReadinessPart[] = [];
    if (redis && (role === "reconciler" || role === "all")) {
      const reconciler = startReconcilerRole({ config, kube, redis, logger, metrics });
      parts.push(reconciler.readiness);
      stops.unshift(() => reconciler.stop());
    }
    // In `crm all` the analyzer runs only with a Prometheus to ask (its watcher makes no schedules otherwise).
    if (redis && (role === "analyzer" || (role === "all" && config.prometheus.url !== undefined))) {
      const analyzer = startAnalyzerRole({ config, kube, redis, logger, metrics });
      parts.push(analyzer.readiness);
      stops.unshift(() => analyzer.stop());
    }
    if (redis && (role === "enforcer" || role === "all")) {
      const enforcer = startEnforcerRole({ config, kube, redis, logger, metrics });
      parts.push(enforcer.readiness);
      stops.unshift(() => enforcer.stop());
    }
    if (redis && (role === "watcher" || role === "all")) {
      const watcher = startWatcherRole({ config, kube, redis, logger, metrics });
      parts.push(watcher.readiness);
      stops.unshift(() => watcher.stop());
    }
    // In `crm all` the dashboard runs only when credentials are configured: never open.
    if (redis && (role === "dashboard" || (role === "all" && config.dashboard.authFile !== undefined))) {
      const dashboard = await startDashboardRole({ config, kube, redis, logger, metrics, auth });
      stops.unshift(() => dashboard.close());
    }
    if (role === "ingress" || role === "all") {
      // History reads get their own producer connection: the workers' one waits for Redis
      // forever (maxRetriesPerRequest: null), which would hang the HTTP answer instead of
      // a 503. Lazy, so an ingress alone still starts while Redis is down.
      const historyRedis = queueRedisClient(config, "producer", monitor);
      stops.push(() => Promise.resolve(historyRedis.disconnect()));
      const ingress = await startIngress({
        config,
        kube,
        logger,
        metrics,
        crmVersion,
        readinessParts: parts,
        history: createHistory({ connection: historyRedis, prefix: config.redis.prefix }),
        nfr: nfrExplainer(config, kube, historyRedis),
        workers: workersProbe({
          redis: historyRedis,
          prefix: config.redis.prefix,
          queues: neededQueues(config.features),
          kube,
          ...(config.features.leaderElection
            ? { lease: { namespace: config.namespace, name: config.watcher.leaseName } }
            : {}),
          logger,
        }),
        gate: auth.gate,
      });
      // The listener goes first on SIGTERM: no new requests while workers drain.
      stops.unshift(() => ingress.close());
    } else if (role !== "dashboard") {
      const readiness = allReady(parts);
      const server = await startHealthServer({
        port: config.ingress.port,
        ...(config.ingress.host !== undefined ? { host: config.ingress.host } : {}),
        readiness,
        metrics,
        gate: auth.gate,
      });
      logger.info("health and metrics listening", { port: server.port });
      stops.unshift(async () => {
        readiness.stop();
        await server.close();
      });
    }
    await signalled(logger);
    return 0;
  } finally {
    for (const stop of stops) {
      try {
        await stop();
      } catch (error) {
        logger.error("stop failed", { error: error instanceof Error ? error.message : String(error) });
      }
    }
    redis?.disconnect();
    await kube.close();
    await metrics.shutdown();
  }
}

/** Resolves on the first SIGTERM or SIGINT. */
function signalled(logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info("stopping", { signal });
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
