import { validateDeployment, type DeploymentCondition, type OClassDeployment } from "@oaas/models";
import type { FastifyInstance } from "fastify";
import type { DeploymentResult } from "../../services/deployments.ts";
import { ValidationError } from "../../services/errors.ts";
import { callContext, type ApiDeps } from "../context.ts";
import { schemas } from "../schemas.ts";

interface DeploymentQuery {
  package_name?: string;
  class_key?: string;
  target_env?: string;
  target_cluster?: string;
  condition?: DeploymentCondition;
  limit?: number;
  offset?: number;
}

/**
 * The HTTP status of a dispatch: 202 when its outcome on some cluster is not known yet
 * (condition UNKNOWN: stored, and the PM settles it), else `done`. A 503 always means
 * nothing was stored or sent.
 */
function dispatchStatus(result: DeploymentResult, done: number): number {
  return result.condition === "UNKNOWN" ? 202 : done;
}

/**
 * The generations an If-Match header names (RFC 9110 §13.1.1: `*` or a comma-separated
 * list of entity tags; the PM's are `"<generation>"` from GET /deployments/{key}, and a
 * weak tag `W/"n"` is taken as the same generation); undefined without the header or
 * for `*` (any stored version). Throws ValidationError naming the header otherwise.
 */
export function ifMatchGeneration(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const tags = header.split(",").map((t) => /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(t)?.[1]);
  if (tags.length === 0 || tags.some((t) => t === undefined)) {
    throw new ValidationError(
      [
        {
          field: "If-Match",
          message: `"${header.slice(0, 40)}" is not a list of entity tags the PM gave ("<generation>")`,
        },
      ],
      "invalid header",
    );
  }
  return tags.map(Number);
}

export function deploymentRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ["deployments"];
  app.post<{ Body: OClassDeployment }>(
    "/deployments",
    {
      schema: {
        tags,
        summary: "Deploy a class to its target clusters (one unit per cluster)",
        querystring: schemas.noQuery,
        body: schemas.deploymentBody,
      },
    },
    async (request, reply) => {
      const errors = validateDeployment(request.body);
      if (errors.length) throw new ValidationError(errors, "invalid deployment");
      const result = await deps.deployments.create(request.body, callContext(request));
      return reply.code(dispatchStatus(result, 201)).send(result);
    },
  );
  app.put<{ Params: { key: string }; Body: OClassDeployment; Headers: { "if-match"?: string } }>(
    "/deployments/:key",
    {
      schema: {
        tags,
        summary:
          "Redeploy an existing deployment (e.g. after a package update changed an image): same key, same clusters, the CRMs roll it out",
        params: schemas.key,
        querystring: schemas.noQuery,
        body: schemas.deploymentBody,
        headers: schemas.ifMatch,
      },
    },
    async (request, reply) => {
      const body = { ...request.body, key: request.body.key || request.params.key };
      if (body.key !== request.params.key)
        throw new ValidationError(
          [{ field: "key", message: `the body names deployment "${body.key}", not "${request.params.key}"` }],
          "invalid deployment",
        );
      const errors = validateDeployment(body);
      if (errors.length) throw new ValidationError(errors, "invalid deployment");
      const result = await deps.deployments.replace(
        body,
        callContext(request),
        ifMatchGeneration(request.headers["if-match"]),
      );
      return reply.code(dispatchStatus(result, 200)).send(result);
    },
  );
  app.get<{ Querystring: DeploymentQuery }>(
    "/deployments",
    { schema: { tags, summary: "List deployments (ordered by key)", querystring: schemas.deploymentList } },
    async (request) => deps.deployments.list(request.query),
  );
  app.get<{ Params: { key: string } }>(
    "/deployments/:key",
    {
      schema: {
        tags,
        summary: "A deployment with each cluster's status",
        params: schemas.key,
        querystring: schemas.noQuery,
      },
    },
    async (request, reply) => {
      const { deployment, clusters } = await deps.deployments.get(request.params.key, callContext(request));
      // The generation a client names in If-Match to update what it read (PUT).
      if (deployment.generation !== undefined) void reply.header("etag", `"${deployment.generation}"`);
      return { ...deployment, clusters };
    },
  );
  app.delete<{ Params: { key: string }; Querystring: { cluster?: string } }>(
    "/deployments/:key",
    {
      schema: {
        tags,
        summary: "Delete a deployment on every cluster it went to (or ?cluster=), then its record",
        params: schemas.key,
        querystring: schemas.clusterQuery,
      },
    },
    async (request) =>
      deps.deployments.delete(request.params.key, callContext(request), request.query.cluster),
  );
  for (const path of ["/deployments/:key/cluster-mappings", "/deployments/:key/env-mappings"]) {
    app.get<{ Params: { key: string } }>(
      path,
      {
        schema: {
          tags,
          summary: "Where the deployment went: cluster -> unit id",
          params: schemas.key,
          querystring: schemas.noQuery,
        },
      },
      async (request) => deps.deployments.mappings(request.params.key, callContext(request)),
    );
  }
  app.get<{ Params: { key: string }; Querystring: { cluster?: string } }>(
    "/deployments/:key/history",
    {
      schema: {
        tags,
        summary:
          "What the CRMs did with a deployment (logical key or unit id; ?cluster= narrows it), oldest first",
        params: schemas.key,
        querystring: schemas.clusterQuery,
      },
    },
    async (request) =>
      deps.deployments.history(request.params.key, callContext(request), request.query.cluster),
  );
  app.get<{ Params: { id: string }; Querystring: { cluster?: string } }>(
    "/deployment-status/:id",
    {
      schema: {
        tags,
        summary:
          "Live status from the CRM (logical key or unit id; ?cluster= narrows it): summary, conditions with reasons, function readiness and URLs",
        params: schemas.id,
        querystring: schemas.clusterQuery,
        response: { 200: schemas.deploymentStatus },
      },
    },
    async (request) =>
      deps.deployments.status(request.params.id, callContext(request), request.query.cluster),
  );
}
