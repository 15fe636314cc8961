import type { FastifyInstance } from "fastify";
import type { RuntimeFilter } from "../../services/runtimes.ts";
import { callContext, type ApiDeps } from "../context.ts";
import { schemas } from "../schemas.ts";

export function runtimeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ["class-runtimes"];
  for (const base of ["/class-runtimes", "/deployment-records"]) {
    app.get<{ Querystring: RuntimeFilter }>(
      base,
      {
        schema: {
          tags,
          summary: "Runtimes aggregated over clusters; `partial` names clusters that did not answer",
          querystring: schemas.runtimeList,
        },
      },
      async (request) => deps.runtimes.list(request.query, callContext(request)),
    );
    app.get<{ Params: { id: string }; Querystring: { cluster?: string } }>(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: "A runtime by unit id, searched on every cluster (or ?cluster=)",
          params: schemas.id,
          querystring: schemas.clusterQuery,
        },
      },
      async (request) => deps.runtimes.get(request.params.id, callContext(request), request.query.cluster),
    );
  }
}
