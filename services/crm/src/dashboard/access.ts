// Who may use which dashboard route, enforced on every request before its handler runs:
// the need from the route table (routes.ts), the gate's answer (401 with a Basic challenge,
// 403, 429), 405 for writes while read-only, the same-origin (CSRF) check for writes made
// with credentials a browser resends on its own, and one audit line per write naming who,
// what, which queue or job, and how it ended.
import {
  auditEntry,
  auditMessage,
  csrfRefusal,
  isSafeMethod,
  type Gate,
  type Need,
  type Principal,
} from "@oaas/auth";
import type { Logger } from "@oaas/telemetry";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { routeNeeds, undeclaredNeed, unroutedNeed, type DeclaredRoute } from "./routes.ts";

export interface AccessOptions {
  readonly basePath: string;
  /** Checks pages, APIs and writes: the dashboard's users plus the process's credentials. */
  readonly gate: Gate;
  /** Checks `metrics`-need routes, as on every role (open while the CRM runs open). */
  readonly metricsGate: Gate;
  readonly readOnly: boolean;
  readonly logger: Logger;
}

/** What a write was done by, for its audit line once it is answered. */
const writers = new WeakMap<FastifyRequest, Principal>();

/**
 * Adds the hooks to `app` (before any route is registered, so onRoute sees them all) and
 * returns the routes as they get registered, each with its need from the table.
 */
export function guardRoutes(app: FastifyInstance, options: AccessOptions): readonly DeclaredRoute[] {
  const { basePath, logger } = options;
  const needOf = routeNeeds(basePath);
  const routes: DeclaredRoute[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, need: needOf(method, route.url) });
  });

  const audit = (
    request: FastifyRequest,
    principal: Principal,
    outcome: "denied" | "succeeded" | "failed",
    code: number,
  ) => {
    const params = (request.params ?? {}) as { queueName?: unknown; jobId?: unknown };
    const queue = typeof params.queueName === "string" ? `queue/${params.queueName}` : undefined;
    const job = queue !== undefined && typeof params.jobId === "string" ? `/job/${params.jobId}` : "";
    const pattern = request.routeOptions.url ?? request.url.split("?")[0] ?? "";
    logger.info(
      auditMessage,
      auditEntry({
        at: new Date(),
        principal,
        action: `${request.method} ${pattern.startsWith(basePath) ? pattern.slice(basePath.length) : pattern}`,
        object: queue === undefined ? undefined : `${queue}${job}`,
        outcome,
        code,
        correlationId: request.id,
      }),
    );
  };

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const pattern = request.routeOptions.url;
    const need: Need =
      pattern === undefined ? unroutedNeed : (needOf(request.method, pattern) ?? undeclaredNeed);
    const params = (request.params ?? {}) as { namespace?: unknown };
    const namespace = typeof params.namespace === "string" ? params.namespace : undefined;
    const gate = need === "metrics" ? options.metricsGate : options.gate;
    const result = await gate(
      { authorization: request.headers.authorization, source: request.socket.remoteAddress ?? "" },
      need,
      namespace,
    );
    const write = !isSafeMethod(request.method);
    if (!result.ok) {
      if (write && result.principal !== undefined) audit(request, result.principal, "denied", result.status);
      return reply.code(result.status).headers(result.headers).type("text/plain").send(`${result.message}\n`);
    }
    if (!write) return;
    const principal = result.principal;
    if (options.readOnly) {
      audit(request, principal, "denied", 405);
      return reply
        .code(405)
        .header("allow", "GET, HEAD")
        .type("text/plain")
        .send("the dashboard is read-only\n");
    }
    const refusal = csrfRefusal({ method: request.method, headers: request.headers, via: principal.via });
    if (refusal !== undefined) {
      audit(request, principal, "denied", 403);
      return reply.code(403).type("text/plain").send(`forbidden: ${refusal}\n`);
    }
    writers.set(request, principal);
  });

  app.addHook("onResponse", async (request, reply) => {
    const principal = writers.get(request);
    if (principal === undefined) return;
    audit(request, principal, reply.statusCode < 400 ? "succeeded" : "failed", reply.statusCode);
  });
  return routes;
}
