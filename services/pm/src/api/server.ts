// The PM's HTTP server: Fastify with JSON-schema validation and handler types from the
// REST contract (@oaas/pm-api), an OpenAPI 3.1 document generated from the same schemas
// (requests and every answer), JSON errors everywhere, a
// correlation id per request (x-correlation-id in, or a new one; echoed back), one JSON
// log line per request, request count/duration metrics by route and code, and the
// authentication gate, write limits and audit lines of auth.ts on every route.
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { createAjv, textIntegerProblems } from "@oaas/models";
import { apiPrefix } from "@oaas/pm-api";
import { prometheusContentType, withContext, type Logger, type Metrics } from "@oaas/telemetry";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { correlationHeader, correlationIdOf, type ApiDeps } from "./context.ts";
import { installAuth } from "./auth.ts";
import type { PmAuth } from "./auth-setup.ts";
import { mapError } from "./errors.ts";
import { parseJsonBody } from "./json-body.ts";
import { clusterRoutes } from "./routes/clusters.ts";
import { deploymentRoutes } from "./routes/deployments.ts";
import { packageRoutes } from "./routes/packages.ts";
import { runtimeRoutes } from "./routes/runtimes.ts";

export { apiPrefix };

export interface ServerOptions {
  readonly deps: ApiDeps;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly bodyLimitBytes: number;
  readonly version?: string;
  /** Who may call which route (auth-setup.ts); every route's need is in @oaas/pm-api. */
  readonly auth: PmAuth;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { deps, logger, metrics } = options;
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    logger: false,
    genReqId: (req) => correlationIdOf(req.headers[correlationHeader]),
    // A trailing slash or a doubled one still finds its route.
    // Path parameters up to 4 KiB (a 253-character key percent-encoded): Fastify's default (100 characters) made packages and
    // deployments with longer names creatable but never readable or deletable (414).
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 4096 },
    // The router's own refusals (a path that is not valid percent-encoding, e.g. "%E0%A4%A")
    // bypass the error handler; Fastify's default answer there is not {error}.
    frameworkErrors: (error, request, untyped) => {
      const reply = untyped as unknown as FastifyReply;
      void reply
        .code(400)
        .header(correlationHeader, request.id)
        .type("application/json")
        .send({ error: `invalid path: ${error.message}` });
    },
  });
  // Bodies: exactly the models' validator settings (no coercion, defaults filled). Query
  // strings and path parameters are text, so numbers and booleans there are coerced.
  const bodyAjv = createAjv();
  const textAjv = createAjv(true);
  // Only JSON bodies: anything else is 415 {error} rather than a string body failing validation.
  app.removeContentTypeParser("text/plain");
  // Depth-bounded, with a clear 400 for prototype-poisoning keys (json-body.ts).
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart === "body") return bodyAjv.compile(schema);
    const coerced = textAjv.compile(schema);
    // Integers in text: decimal digits only, before Ajv's coercion (@oaas/models query-text.ts).
    const validate = (data: unknown) => {
      const problems = textIntegerProblems(schema, data);
      validate.errors = problems.length > 0 ? problems : null;
      if (problems.length > 0) return false;
      const ok = coerced(data);
      validate.errors = coerced.errors ?? null;
      return ok;
    };
    validate.errors = null as ReturnType<typeof textIntegerProblems> | null;
    return validate;
  });
  // Answers are sent as the handlers build them: the response schemas document them (and
  // the tests validate every answer against the document), they do not filter fields.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const requests = metrics?.meter.createCounter("pm_http_requests_total", {
    description: "HTTP requests by method, route and status code",
  });
  const duration = metrics?.meter.createHistogram("pm_http_request_duration_seconds", {
    description: "HTTP request duration by method, route and status code",
    unit: "s",
  });
  app.addHook("onRequest", (request, reply, done) => {
    void reply.header(correlationHeader, request.id);
    done();
  });
  // Before any route: each route gets its need as it registers (auth.ts).
  await installAuth(app, options.auth, logger);
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    const labels = { method: request.method, route, code: String(reply.statusCode) };
    requests?.add(1, labels);
    duration?.record(reply.elapsedTime / 1000, labels);
    withContext(logger, { correlationId: request.id }).log(
      requestLogLevel(request.method, reply.statusCode),
      "request",
      {
        ...labels,
        path: request.url,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
      },
    );
    done();
  });
  app.setErrorHandler((error, request, reply) => {
    const mapped = mapError(error);
    if (mapped.status >= 500 && mapped.status !== 502 && mapped.status !== 503) {
      withContext(logger, { correlationId: request.id }).error("request failed", {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    return reply
      .code(mapped.status)
      .type("application/json")
      .send({ error: mapped.error, ...(mapped.details ? { details: mapped.details } : {}) });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split("?")[0] ?? ""}` }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "OaaS Package Manager",
        version: options.version ?? "0.1.0",
        description:
          'Packages and class deployments. Every error is JSON {"error": "..."}. Every route needs a bearer token (a tokens-file token or an OIDC JWT) of the role services/pm/README.md "Security" names: viewer for reads, deployer for writes.',
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });

  await app.register(
    (plain, _opts, done) => {
      const api = plain.withTypeProvider<TypeBoxTypeProvider>();
      packageRoutes(api, deps);
      deploymentRoutes(api, deps);
      runtimeRoutes(api, deps);
      clusterRoutes(api, deps);
      api.get("/health", { schema: { hide: true } }, () => ({ status: "ok" }));
      api.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
      done();
    },
    { prefix: apiPrefix },
  );
  app.get("/health", { schema: { hide: true } }, () => ({ status: "ok" }));
  app.get("/ready", { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.storage.ping();
      return { status: "ready" };
    } catch (error) {
      return reply.code(503).send({ error: `storage not ready: ${(error as Error).message}` });
    }
  });
  if (metrics) {
    app.get("/metrics", { schema: { hide: true } }, async (_request, reply) =>
      reply.type(prometheusContentType).send(await metrics.render()),
    );
  }
  await app.ready();
  return app;
}

/**
 * The level of a request's log line: info for requests that change state (POST, PUT,
 * PATCH, DELETE) and for any answer from 500 up; debug for reads that worked or were
 * refused (GET, HEAD, OPTIONS): probes, scrapes and status polls repeat at idle, and a
 * line each would grow the log with the number of users and deployments.
 */
export function requestLogLevel(method: string, status: number): "info" | "debug" {
  if (status >= 500) return "info";
  return method === "GET" || method === "HEAD" || method === "OPTIONS" ? "debug" : "info";
}
