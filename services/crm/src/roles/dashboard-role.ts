// `crm dashboard`: Bull Board over every CRM queue plus record pages, on its own port.
// Wiring only: the pages and the security model are in ../dashboard.
import { servedNamespaces, type CrmConfig } from "@oaas/config";
import type { KubeClient } from "@oaas/kube";
import { createHistory, queueNames } from "@oaas/queue";
import type { Logger, Metrics } from "@oaas/telemetry";
import type { RedisClient } from "@oaas/queue";
import { nfrSettings } from "@oaas/nfr";
import { startDashboard, type Dashboard, type DashboardAuth } from "../dashboard/index.ts";
import { createEnforcerStore, explainRecord } from "../enforcer/index.ts";
import { unconsumedQueues } from "./role-names.ts";

/**
 * Starts the dashboard. Throws when OPRC_CRM_DASHBOARD_AUTH_FILE is not set (the
 * dashboard never runs without authentication) or the file holds no credential.
 */
export async function startDashboardRole(deps: {
  readonly config: CrmConfig;
  readonly kube: KubeClient;
  readonly redis: RedisClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The process's authentication (process/gate.ts): shared with the other roles in `crm all`. */
  readonly auth: DashboardAuth;
}): Promise<Dashboard> {
  const { config, kube, redis, logger, metrics, auth } = deps;
  const authFile = config.dashboard.authFile;
  if (authFile === undefined) {
    throw new Error(
      "the dashboard needs OPRC_CRM_DASHBOARD_AUTH_FILE: a file (e.g. a mounted Secret) with `user:password` or `token:<value>` lines, each optionally preceded by `[role]`",
    );
  }
  const dashboard = await startDashboard({
    redis,
    prefix: config.redis.prefix,
    queueNames: Object.values(queueNames),
    idleQueues: unconsumedQueues(),
    history: createHistory({ connection: redis, prefix: config.redis.prefix }),
    explainNfr: (record, signal) =>
      explainRecord(
        {
          kube,
          store: createEnforcerStore(redis, config.redis.prefix),
          settings: nfrSettings(config).enforcement,
        },
        record,
        Date.now(),
        signal,
      ),
    kube,
    namespaces: servedNamespaces(config),
    logger,
    metrics,
    auth,
    options: {
      port: config.dashboard.port,
      ...(config.ingress.host !== undefined ? { host: config.ingress.host } : {}),
      basePath: config.dashboard.basePath,
      authFile,
      readOnly: config.dashboard.readOnly,
    },
  });
  logger.info("dashboard listening", {
    port: dashboard.port,
    base_path: config.dashboard.basePath,
    read_only: config.dashboard.readOnly,
  });
  return dashboard;
}
