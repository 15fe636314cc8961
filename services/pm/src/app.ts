// Wiring: settings -> storage, CRM manager, services, HTTP server. main.ts adds the
// process concerns (env, signals, ports); tests call startPm directly.
import http from "node:http";
import {
  createConnectionMonitor,
  createLogger,
  createMetrics,
  prometheusContentType,
  type Logger,
  type Metrics,
} from "@oaas/telemetry";
import type { FastifyInstance } from "fastify";
import { serviceRoutes } from "@oaas/pm-api";
import { startAuth, type PmAuth } from "./api/auth-setup.ts";
import type { Repeater } from "@oaas/auth";
import { buildServer } from "./api/server.ts";
import type { PmConfig } from "./config/index.ts";
import { CrmManager } from "./crm/manager.ts";
import { followTokenFiles } from "./crm/token-file.ts";
import { startConditionRefresher } from "./services/condition-refresh.ts";
import { DeploymentService } from "./services/deployments.ts";
import { PackageService } from "./services/packages.ts";
import { RuntimeService } from "./services/runtimes.ts";
import { EtcdKv, KvStorage, MemoryKv, type Storage } from "./storage/index.ts";

export interface Pm {
  readonly server: FastifyInstance;
  readonly crm: CrmManager;
  readonly storage: Storage;
  /** Base URL once listening, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface PmOptions {
  readonly config: PmConfig;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** How often the tokens file is checked for a change, ms (default 2 000, the documented rotation bound). */
  readonly authRecheckMs?: number;
  /** The timer of the hourly open-authentication warning (tests inject one; default an unref'd setInterval). */
  readonly openWarningRepeat?: Repeater;
  /** Listen here instead of config.server (tests pass port 0). */
  readonly listen?: { readonly host: string; readonly port: number };
}

export function createStorage(config: PmConfig["storage"]): Storage {
  return new KvStorage(config.type === "etcd" ? new EtcdKv(config.etcd) : new MemoryKv());
}

/** Starts the PM and resolves once it listens. */
export async function startPm(options: PmOptions): Promise<Pm> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ service: "pm", level: config.log.level });
  const metrics = config.metrics.enabled
    ? (options.metrics ?? createMetrics({ serviceName: "oaas-pm" }))
    : undefined;
  const tokenFiles = await followTokenFiles(config.crm.clusters, (cluster, error) =>
    logger.warn("cluster token file not reloaded; the previous token stays in force", {
      cluster,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  const auth = await startAuth(
    config.auth,
    logger,
    metrics,
    options.authRecheckMs,
    options.openWarningRepeat,
  );
  const storage = createStorage(config.storage);
  const crm = new CrmManager({
    tokenFiles,
    crm: config.crm,
    deploy: config.deploy,
    ...(metrics ? { meter: metrics.meter } : {}),
    onEvent: crmEventLogger(logger),
    // An outage of a CRM: `crm connection lost` once, `crm connection restored` once.
    monitor: (cluster) =>
      createConnectionMonitor({
        peer: "crm",
        logger,
        ...(metrics ? { metrics } : {}),
        labels: { cluster: cluster.name },
        fields: { url: cluster.url },
      }),
  });
  const deployments = new DeploymentService(
    storage,
    crm,
    { rollbackOnPartial: config.deploy.rollbackOnPartial },
    logger,
  );
  const packages = new PackageService(
    storage,
    deployments,
    { deleteCascade: config.deploy.packageDeleteCascade },
    logger,
  );
  const runtimes = new RuntimeService(crm);
  const server = await buildServer({
    deps: { storage, crm, packages, deployments, runtimes },
    logger,
    ...(metrics ? { metrics } : {}),
    bodyLimitBytes: config.server.bodyLimitBytes,
    auth,
  });
  const listen = options.listen ?? config.server;
  await server.listen({ host: listen.host, port: listen.port });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : listen.port;
  const metricsServer =
    metrics && config.metrics.port !== undefined
      ? await serveMetrics(metrics, config.metrics.port, listen.host, auth)
      : undefined;
  logger.info("pm listening", {
    port,
    storage: config.storage.type,
    clusters: crm.names(),
    default_cluster: crm.defaultCluster,
  });
  const refresher = startConditionRefresher(
    (ctx) => deployments.refreshConditions(ctx),
    config.deploy.statusRefreshMs,
    logger,
  );
  const host = listen.host === "0.0.0.0" ? "127.0.0.1" : listen.host;
  return {
    server,
    crm,
    storage,
    port,
    url: `http://${host}:${port}`,
    close: async () => {
      await refresher.stop();
      auth.close();
      crm.close();
      await server.close();
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await storage.close();
      if (!options.metrics) await metrics?.shutdown();
    },
  };
}

/**
 * Log lines for the CRM manager's events. Retries and a breaker that opens again after a
 * failed half-open trial are debug: during an outage they repeat (per call, per minute),
 * and the cluster's connection monitor already says when it began and ended. The first
 * open and the close are info: the PM stopped, then resumed, calling the cluster.
 */
function crmEventLogger(logger: Logger): (e: { cluster: string; event: string; detail?: string }) => void {
  const open = new Set<string>();
  return (e) => {
    let level = "debug";
    if (e.event === "breaker-open" && !open.has(e.cluster)) {
      open.add(e.cluster);
      level = "info";
    } else if (e.event === "breaker-closed") {
      open.delete(e.cluster);
      level = "info";
    }
    logger.log(level, `crm ${e.event}`, { cluster: e.cluster, ...(e.detail ? { detail: e.detail } : {}) });
  };
}

/**
 * METRICS_PORT: /metrics also on its own port (for scrapers kept off the API port), behind
 * the same gate and need as on the API port (serviceRoutes.metrics: the metrics role).
 */
async function serveMetrics(
  metrics: Metrics,
  port: number,
  host: string,
  auth: PmAuth,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url !== "/metrics") return json(404, { error: "only /metrics here" });
    auth
      .gate(
        { authorization: req.headers.authorization, source: req.socket.remoteAddress ?? "-" },
        serviceRoutes.metrics.need,
      )
      .then(async (result) => {
        if (!result.ok) return json(result.status, { error: result.message }, result.headers);
        const text = await metrics.render();
        return res.writeHead(200, { "content-type": prometheusContentType }).end(text);
      })
      .catch((error: unknown) => json(500, { error: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
