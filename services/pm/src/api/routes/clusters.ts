// Cluster routes (alias /envs): the configured clusters with their health. The health list
// is the reference implementation's answer (a list of ClusterHealth); the one-verdict
// summary the PM's own readers use is /clusters/health/summary.
import { overallStatus, routes } from "@oaas/pm-api";
import { NotFoundError } from "../../services/errors.ts";
import type { Api, ApiDeps } from "../context.ts";
import { healthOut } from "../compat.ts";

export function clusterRoutes(app: Api, deps: ApiDeps): void {
  const { listClusters, clustersHealth, healthSummary, clusterHealth } = routes;
  for (const url of [listClusters.url, ...listClusters.aliases]) {
    app.get(url, { schema: listClusters.schema }, async () => {
      const healths = await deps.crm.healthAll();
      return healths.map((h) => {
        const url = deps.crm.url(h.cluster);
        return {
          name: h.cluster,
          ...(url !== undefined ? { url } : {}),
          default: h.cluster === deps.crm.defaultCluster,
          health: healthOut(h),
        };
      });
    });
  }
  for (const url of [clustersHealth.url, ...clustersHealth.aliases]) {
    app.get(url, { schema: clustersHealth.schema }, async (request) =>
      (await deps.crm.healthAll({ fresh: request.query.fresh === true })).map(healthOut),
    );
  }
  for (const url of [healthSummary.url, ...healthSummary.aliases]) {
    app.get(url, { schema: healthSummary.schema }, async (request) => {
      const clusters = (await deps.crm.healthAll({ fresh: request.query.fresh === true })).map(healthOut);
      return { status: overallStatus(clusters), clusters };
    });
  }
  for (const url of [clusterHealth.url, ...clusterHealth.aliases]) {
    app.get(url, { schema: clusterHealth.schema }, async (request) => {
      if (!deps.crm.has(request.params.name)) {
        throw new NotFoundError(`cluster "${request.params.name}" is not configured`);
      }
      return healthOut(await deps.crm.health(request.params.name, { fresh: request.query.fresh === true }));
    });
  }
}
