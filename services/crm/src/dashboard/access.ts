// Who may use which dashboard route, enforced on every request before its handler runs:
// the need from the route table (routes.ts), the gate's answer (401 with a Basic challenge,
// 403, 429), 405 for writes while read-only, the same-origin (CSRF) check for writes made
// with credentials a browser resends on its own, and one audit line per write naming who,
// what, which queue or job, and how it ended. The namespace boundary: a record page needs
// its namespace in the caller's scope (the gate), the records list needs at least one
// served namespace there (and shows only those, record-routes.ts), and Bull Board, which
// shows every served namespace's jobs at once, needs all of them.
import {
  auditEntry,
  auditMessage,
  csrfRefusal,
  isSafeMethod,
  scopeIncludes,
  type Gate,
  type GateOptions,
  type Need,
  type Principal,
} from "@oaas/auth";
import type { Logger } from "@oaas/telemetry";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bullBoardRoutes, routeNeeds, undeclaredNeed, unroutedNeed, type DeclaredRoute } from "./routes.ts";

export interface AccessOptions {
  readonly basePath: string;
  /** Checks pages, APIs and writes: the dashboard's users plus the process's credentials. */
  readonly gate: Gate;
  /** Checks `metrics`-need routes, as on every role (open while the CRM runs open). */
  readonly metricsGate: Gate;
  readonly readOnly: boolean;
  readonly logger: Logger;
  /** The CRM's served namespaces (the gate already cut every scope to them). */
  readonly served: readonly string[];
  /** Counts the namespace refusals decided here (oaas_crm_auth_refusals_total). */
  readonly onRefused?: GateOptions["onRefused"];
}

/** Who made each request that passed the gate, for handlers that filter by scope (principalOf). */
const callers = new WeakMap<FastifyRequest, Principal>();

/** The principal the gate admitted for `request`; undefined before the gate ran or on a public route. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return callers.get(request);
}

/** The served namespaces `principal` may act in, in the served order. */
export function visibleNamespaces(principal: Principal, served: readonly string[]): string[] {
  return served.filter((namespace) => scopeIncludes(principal.namespaces, namespace));
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
  const isBullBoard = bullBoardRoutes(basePath);
  const recordsList = `${basePath}records`;
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
    const principal = result.principal;
    if (need !== "public" && need !== "metrics" && pattern !== undefined) {
      const refusal = namespaceRefusal(principal, pattern);
      if (refusal !== undefined) {
        options.onRefused?.("forbidden", "namespace");
        if (write) audit(request, principal, "denied", 403);
        return reply.code(403).type("text/plain").send(`${refusal}\n`);
      }
    }
    callers.set(request, principal);
    if (!write) return;
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

  /** Why `principal` may not use the route `pattern` for lack of namespaces, or undefined. */
  function namespaceRefusal(principal: Principal, pattern: string): string | undefined {
    const visible = visibleNamespaces(principal, options.served);
    if (pattern === recordsList && visible.length === 0)
      return `${principal.name} may not act in any namespace this CRM serves (${options.served.join(", ")})`;
    if (isBullBoard(pattern) && visible.length < options.served.length)
      return `${principal.name} may not use the job board: it shows the jobs of every namespace this CRM serves (${options.served.join(", ")}), and ${principal.name} may act only in ${visible.join(", ") || "none of them"}; use the records pages`;
    return undefined;
  }

  app.addHook("onResponse", async (request, reply) => {
    const principal = writers.get(request);
    if (principal === undefined) return;
    audit(request, principal, reply.statusCode < 400 ? "succeeded" : "failed", reply.statusCode);
  });
  return routes;
}
