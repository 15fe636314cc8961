import type { FastifyInstance } from "fastify";
import { NotFoundError } from "../../services/errors.ts";
import type { ApiDeps } from "../context.ts";
import { schemas } from "../schemas.ts";

export function clusterRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ["clusters"];
  for (const base of ["/clusters", "/envs"]) {
    app.get(base, { schema: { tags, summary: "Configured clusters with cached health" } }, async () => {
      const healths = await deps.crm.healthAll();
      return healths.map((h) => ({
        name: h.cluster,
        url: deps.crm.url(h.cluster),
        default: h.cluster === deps.crm.defaultCluster,
        health: h,
      }));
    });
    app.get(`${base}/health`, { schema: { tags, summary: "Health of every cluster" } }, async () => {
      const clusters = await deps.crm.healthAll();
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
    });
    app.get<{ Params: { name: string } }>(
      `${base}/:name/health`,
      { schema: { tags, summary: "Health of one cluster", params: schemas.name } },
      async (request) => {
        if (!deps.crm.has(request.params.name)) {
          throw new NotFoundError(`cluster "${request.params.name}" is not configured`);
        }
        return deps.crm.health(request.params.name);
      },
    );
  }
}
