// Authentication, authorization, write limits and audit for every route of the PM, in one
// place: each route gets its need from the table (route-needs.ts) when it is registered;
// one onRequest hook runs the gate (401/403/429 as the PM's {error} body); write routes get
// a per-principal rate limit (@fastify/rate-limit: 429 + Retry-After) and one audit line
// each (@oaas/auth auditEntry), refused ones included.
//
// Namespaces: the PM's packages and deployments are not in a namespace (each CRM places
// the units in the namespace it serves), so a principal limited to some namespaces may read
// (there is nothing per namespace to hide) but may not write: its writes would land in
// namespaces outside its scope. Refused with 403 before anything is looked up.
import rateLimit from "@fastify/rate-limit";
import { auditEntry, auditMessage, unauthenticated, type Need, type Principal } from "@oaas/auth";
import type { Logger } from "@oaas/telemetry";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PmAuth } from "./auth-setup.ts";
import { auditObject, routeNeed, unmatchedNeed, type RouteNeed } from "./route-needs.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Set for every route from the route table when it is registered (auth.ts). */
    auth?: RouteNeed;
  }
  interface FastifyRequest {
    /** Who is calling, once the gate let the request through. */
    principal?: Principal;
    /** Who was refused with 403 (authenticated, not allowed): named by the audit line, never served. */
    refusedPrincipal?: Principal;
  }
  interface FastifyInstance {
    /** Every route as it was registered, with the need the table declares (undefined: none, so admin only). */
    readonly registeredRoutes: readonly RegisteredRoute[];
  }
}

/** A route the server registered (HEAD routes included), as the route inventory test reads it. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly declared: RouteNeed | undefined;
}

/** The error body of a refusal: the PM's {error} shape (@oaas/pm-api ErrorBody). */
function refuse(
  reply: FastifyReply,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
) {
  return reply.code(status).headers(headers).type("application/json").send({ error: message });
}

/**
 * Installs the hooks on `app` (before any route is registered: the need of each route is
 * attached as it registers, and a route registered earlier would have none and be
 * admin-only).
 */
export async function installAuth(app: FastifyInstance, auth: PmAuth, logger: Logger): Promise<void> {
  const registered: RegisteredRoute[] = [];
  app.decorate("registeredRoutes", registered);
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const found = routeNeed(methods[0] ?? "GET", route.url);
    for (const method of methods) registered.push({ method, url: route.url, declared: found });
    const declared: RouteNeed = found ?? { need: "admin", write: false };
    route.config = {
      ...route.config,
      auth: declared,
      ...(declared.write
        ? {
            rateLimit: {
              max: auth.writeBurst,
              timeWindow: Math.max(1, Math.round((auth.writeBurst / auth.writeRatePerSec) * 1000)),
            },
          }
        : {}),
    };
  });
  await app.register(rateLimit, {
    global: false,
    // After the gate and validation: the principal is known, a refused or invalid request costs nothing.
    hook: "preHandler",
    keyGenerator: (request) => `principal:${request.principal?.name ?? "-"}`,
    errorResponseBuilder: (request, context) => ({
      statusCode: 429,
      message: `too many writes by ${request.principal?.name ?? "this caller"}: at most ${context.max} in ${context.after}; retry after ${context.after} (OPRC_PM_WRITE_RATE_PER_SEC, OPRC_PM_WRITE_BURST)`,
    }),
  });

  app.addHook("onRequest", async (request, reply) => {
    const declared = request.routeOptions.config.auth;
    const need: Need = declared?.need ?? (request.is404 ? unmatchedNeed : "admin");
    let result;
    try {
      result = await auth.gate({ authorization: request.headers.authorization, source: request.ip }, need);
    } catch (error) {
      // Only an OIDC key fetch rejects: the token may be good, so not a 401.
      return refuse(
        reply,
        503,
        `cannot verify the token now: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!result.ok) {
      if (result.refusal === "forbidden" && declared?.write === true) {
        const known = await auth
          .authenticate({ authorization: request.headers.authorization })
          .catch(() => undefined);
        if (known?.ok === true) request.refusedPrincipal = known.principal;
      }
      return refuse(reply, result.status, result.message, result.headers);
    }
    request.principal = result.principal;
    if (declared?.write === true && result.principal.namespaces !== "*") {
      request.refusedPrincipal = result.principal;
      auth.refused("forbidden", "namespace");
      return refuse(
        reply,
        403,
        `${result.principal.name} is limited to namespaces ${result.principal.namespaces.join(", ") || "(none)"}; the PM's packages and deployments are not in a namespace, so writing them needs a principal for every namespace`,
      );
    }
    return undefined;
  });

  app.addHook("onResponse", (request, reply, done) => {
    const declared = request.routeOptions.config.auth;
    if (declared?.write === true) audit(logger, request, reply.statusCode, declared);
    done();
  });
}

/** One audit line for a write that reached the PM, however it ended. */
function audit(logger: Logger, request: FastifyRequest, status: number, declared: RouteNeed): void {
  const known = request.principal ?? request.refusedPrincipal;
  const principal = known ?? { ...unauthenticated, name: "unauthenticated" };
  const entry = auditEntry({
    at: new Date(),
    principal,
    action: `${request.method} ${request.routeOptions.url ?? request.url}`,
    object: auditObject(declared.kind, request.params, request.body),
    outcome: status < 400 ? "succeeded" : [401, 403, 429].includes(status) ? "denied" : "failed",
    code: status,
    correlationId: request.id,
  });
  logger.info(auditMessage, known === undefined ? { ...entry, role: "-" } : entry);
}
