import type { OPackage } from "@oaas/models";
import type { FastifyInstance } from "fastify";
import { callContext, type ApiDeps } from "../context.ts";
import { schemas } from "../schemas.ts";

interface PackageQuery {
  name_pattern?: string;
  disabled?: boolean;
  tags?: string;
  limit?: number;
  offset?: number;
}

export function packageRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ["packages"];
  app.post<{ Body: OPackage }>(
    "/packages",
    {
      schema: {
        tags,
        summary: "Create a package (schedules its embedded deployments)",
        querystring: schemas.noQuery,
        body: schemas.packageBody,
      },
    },
    async (request, reply) => {
      const { package: stored } = await deps.packages.create(request.body, callContext(request));
      return reply.code(201).send(stored);
    },
  );
  app.get<{ Querystring: PackageQuery }>(
    "/packages",
    { schema: { tags, summary: "List packages (ordered by name)", querystring: schemas.packageList } },
    async (request) => {
      const q = request.query;
      return deps.packages.list({
        ...(q.name_pattern !== undefined ? { name_pattern: q.name_pattern } : {}),
        ...(q.disabled !== undefined ? { disabled: q.disabled } : {}),
        ...(q.tags !== undefined
          ? {
              tags: q.tags
                .split(",")
                .map((t) => t.trim())
                .filter(Boolean),
            }
          : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
      });
    },
  );
  app.get<{ Params: { name: string } }>(
    "/packages/:name",
    { schema: { tags, summary: "Get a package", params: schemas.name, querystring: schemas.noQuery } },
    async (request) => deps.packages.get(request.params.name),
  );
  app.post<{ Params: { name: string }; Body: OPackage }>(
    "/packages/:name",
    {
      schema: {
        tags,
        summary: "Replace a package",
        params: schemas.name,
        querystring: schemas.noQuery,
        body: schemas.packageBody,
      },
    },
    async (request) => deps.packages.update(request.params.name, request.body),
  );
  app.delete<{ Params: { name: string } }>(
    "/packages/:name",
    {
      schema: {
        tags,
        summary: "Delete a package (cascade per PACKAGE_DELETE_CASCADE)",
        params: schemas.name,
        querystring: schemas.noQuery,
      },
    },
    async (request, reply) => {
      await deps.packages.delete(request.params.name, callContext(request));
      return reply.code(204).send();
    },
  );
  app.get(
    "/classes",
    { schema: { tags: ["catalog"], summary: "Every class of every package", querystring: schemas.noQuery } },
    () => deps.packages.classes(),
  );
  app.get(
    "/functions",
    {
      schema: { tags: ["catalog"], summary: "Every function of every package", querystring: schemas.noQuery },
    },
    () => deps.packages.functions(),
  );
}
