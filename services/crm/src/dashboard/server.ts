// The dashboard role: Bull Board over every CRM queue plus the record pages, behind
// authentication (access.ts: every route's need in routes.ts), on its own port, with
// /healthz, /readyz and /metrics beside them.
import { randomUUID } from "node:crypto";
import type { KubeClient } from "@oaas/kube";
import type { Logger, Metrics } from "@oaas/telemetry";
import { prometheusContentType } from "@oaas/telemetry";
import Fastify from "fastify";
import type { RedisClient } from "@oaas/queue";
import { guardRoutes } from "./access.ts";
import { createBoard } from "./board.ts";
import { dashboardGate, type DashboardAuth } from "./gate.ts";
import type { DeclaredRoute } from "./routes.ts";
import { withoutExternalAssets } from "./local-assets.ts";
import type { HistoryReader } from "./history.ts";
import { normalizeBasePath, type DashboardOptions } from "./options.ts";
import { redisReadiness } from "./readiness.ts";
import { recordRoutes, type RecordRoutesDeps } from "./record-routes.ts";

export interface DashboardDeps {
  /** Shared ioredis connection of the queues (the Queue objects never close it). */
  readonly redis: RedisClient;
  /** Key prefix of the queues (config `redis.prefix`, default "oaas"). */
  readonly prefix: string;
  /** Every CRM queue, e.g. Object.values(queueNames) of @oaas/queue. */
  readonly queueNames: readonly string[];
  /**
   * Queues no role of this CRM consumes, with why (e.g. "analyzer role not built yet"):
   * shown on the queue instead of Bull Board's "No workers" warning.
   */
  readonly idleQueues?: ReadonlyMap<string, string>;
  readonly history: HistoryReader;
  /** Explains a record's NFR state for its page (services/crm/src/enforcer/explain.ts); absent: no NFR section. */
  readonly explainNfr?: RecordRoutesDeps["explainNfr"];
  readonly kube: KubeClient;
  /**
   * The CRM's served namespaces (@oaas/config servedNamespaces): the list page shows their
   * records, each caller only those of its scope; every caller's scope is cut to them, and
   * Bull Board needs all of them (access.ts).
   */
  readonly namespaces: readonly string[];
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The process's authentication (process/gate.ts createCrmAuth): shared tokens, JWTs, limiter, refusal counter, and the gate of /metrics. */
  readonly auth: DashboardAuth;
  readonly options: DashboardOptions;
}

export interface Dashboard {
  /** The bound port (useful with options.port 0). */
  readonly port: number;
  /** Every route the server registered (its own and Bull Board's), with what each needs (routes.ts). */
  readonly routes: readonly DeclaredRoute[];
  /** Stops listening, closes open connections and the Queue objects; not the Redis connection. */
  close(): Promise<void>;
}

/**
 * Starts the dashboard. Rejects when the credentials file is missing, unreadable or holds
 * no credential (AuthFileError of @oaas/auth), when the base path is invalid (DashboardOptionsError) or
 * when the port cannot be bound.
 */
export async function startDashboard(deps: DashboardDeps): Promise<Dashboard> {
  const { options, logger } = deps;
  const basePath = normalizeBasePath(options.basePath);
  const readOnly = options.readOnly ?? true;
  const timeoutMs = options.callTimeoutMs ?? 5_000;
  const gate = await dashboardGate({
    auth: deps.auth,
    served: deps.namespaces,
    authFile: options.authFile,
    readOnly,
    logger,
    ...(options.authRecheckMs === undefined ? {} : { recheckMs: options.authRecheckMs }),
  });
  const requests = deps.metrics.meter.createCounter("oaas_crm_dashboard_requests_total", {
    description: "HTTP requests the dashboard answered, by method and status code",
  });
  const readiness = redisReadiness(deps.redis, timeoutMs);
  const board = createBoard({
    redis: deps.redis,
    prefix: deps.prefix,
    queueNames: deps.queueNames,
    ...(deps.idleQueues ? { idleQueues: deps.idleQueues } : {}),
    basePath,
    readOnly,
    logger,
  });

  // Fastify's own logger stays off: it would log request headers, and they hold credentials.
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    // The correlation id of audit lines: fresh per request (caller-chosen ids are not trusted here).
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  });

  const routes = guardRoutes(app, {
    basePath,
    gate,
    metricsGate: deps.auth.gate,
    readOnly,
    logger,
    served: deps.namespaces,
    onRefused: deps.auth.onRefused,
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("x-frame-options", "DENY");
    reply.header("referrer-policy", "same-origin");
    // Bull Board's page links Google Fonts: nothing may be fetched from outside the process.
    const type = reply.getHeader("content-type");
    if (typeof payload === "string" && typeof type === "string" && type.startsWith("text/html"))
      return withoutExternalAssets(payload);
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    requests.add(1, { method: request.method, code: String(reply.statusCode) });
  });

  app.get("/healthz", async (_request, reply) =>
    reply.header("cache-control", "no-store").type("text/plain").send("ok\n"),
  );
  app.get("/readyz", async (_request, reply) => {
    const state = await readiness.check();
    return reply
      .code(state.ready ? 200 : 503)
      .header("cache-control", "no-store")
      .send(state);
  });
  app.get("/metrics", async (_request, reply) =>
    reply
      .header("cache-control", "no-store")
      .type(prometheusContentType)
      .send(await deps.metrics.render()),
  );

  recordRoutes(app, { ...deps, basePath, timeoutMs, historyLimit: options.historyLimit ?? 200 });
  await app.register(board.serverAdapter.registerPlugin(), {
    prefix: basePath === "/" ? "" : basePath.slice(0, -1),
  });

  try {
    await app.listen({ port: options.port, host: options.host ?? "0.0.0.0" });
  } catch (error) {
    await board.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  logger.info("dashboard listening", {
    port,
    base_path: basePath,
    read_only: readOnly,
    queues: deps.queueNames,
    auth_file: options.authFile,
  });
  const undeclared = routes.filter((route) => route.need === undefined);
  if (undeclared.length > 0)
    logger.warn("dashboard routes missing from the route table need admin", {
      routes: undeclared.map((route) => `${route.method} ${route.url}`),
    });
  return {
    port,
    routes,
    close: async () => {
      await app.close();
      await board.close();
    },
  };
}
