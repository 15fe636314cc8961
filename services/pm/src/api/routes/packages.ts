// Package routes and the catalog (/classes, /functions); schemas: @oaas/pm-api routes.
import { routes } from "@oaas/pm-api";
import { callContext, type Api, type ApiDeps } from "../context.ts";
import { packageInput } from "../compat.ts";

export function packageRoutes(app: Api, deps: ApiDeps): void {
  const defaultCluster = deps.crm.defaultCluster;
  const { createPackage, listPackages, getPackage, updatePackage, deletePackage } = routes;
  app.post(createPackage.url, { schema: createPackage.schema }, async (request, reply) => {
    const input = packageInput(request.body, defaultCluster);
    const { package: stored } = await deps.packages.create(input, callContext(request));
    return reply
      .code(201)
      .send({ ...stored, id: stored.name, status: "created", message: "package created" });
  });
  app.get(listPackages.url, { schema: listPackages.schema }, async (request) => {
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
  });
  app.get(getPackage.url, { schema: getPackage.schema }, async (request) =>
    deps.packages.get(request.params.name),
  );
  app.post(updatePackage.url, { schema: updatePackage.schema }, async (request) => {
    const stored = await deps.packages.update(
      request.params.name,
      packageInput(request.body, defaultCluster),
    );
    return { ...stored, id: stored.name, status: "updated", message: "package updated" };
  });
  app.delete(deletePackage.url, { schema: deletePackage.schema }, async (request, reply) => {
    await deps.packages.delete(request.params.name, callContext(request));
    return reply.code(204).send(null);
  });
  app.get(routes.listClasses.url, { schema: routes.listClasses.schema }, () => deps.packages.classes());
  app.get(routes.listFunctions.url, { schema: routes.listFunctions.schema }, () => deps.packages.functions());
}
