import type { FastifyInstance } from "fastify";
import { NotFoundError } from "../../services/errors.ts";
import type { ApiDeps } from "../context.ts";
import { schemas } from "../schemas.ts";

const freshQuery = {
  type: "object",
  properties: { fresh: { type: "boolean" } },
  additionalProperties: false,
};

export function clusterRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ["clusters"];
  for (const base of ["/clusters", "/envs"]) {
    app.get(
      base,
      { schema: { tags, summary: "Configured clusters with cached health", querystring: schemas.noQuery } },
      async () => {
        const healths = await deps.crm.healthAll();
        return healths.map((h) => ({
          name: h.cluster,
          url: deps.crm.url(h.cluster),
          default: h.cluster === deps.crm.defaultCluster,
          health: h,
        }));
      },
    );
    app.get<{ Querystring: { fresh?: boolean } }>(
      `${base}/health`,
      {
        schema: {
          tags,
          summary: "Health of every cluster (?fresh=true skips the cache)",
          querystring: freshQuery,
        },
      },
      async (request) => {
        const clusters = await deps.crm.healthAll({ fresh: request.query.fresh === true });
        const healthy = clusters.filter((c) => c.reachable).length;
        return {
          status:
            clusters.length === 0
              ? "NO_CLUSTERS"
              : healthy === clusters.length
                ? "HEALTHY"
                : healthy
                  ? "DEGRADED"
                  : "UNHEALTHY",
          clusters,
        };
      },
    );
    app.get<{ Params: { name: string }; Querystring: { fresh?: boolean } }>(
      `${base}/:name/health`,
      {
        schema: {
          tags,
          summary: "Health of one cluster (?fresh=true skips the cache)",
          params: schemas.name,
          querystring: freshQuery,
        },
      },
      async (request) => {
        if (!deps.crm.has(request.params.name)) {
          throw new NotFoundError(`cluster "${request.params.name}" is not configured`);
        }
        return deps.crm.health(request.params.name, { fresh: request.query.fresh === true });
      },
    );
  }
}
