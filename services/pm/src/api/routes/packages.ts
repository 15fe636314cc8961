// Package routes and the catalog (/classes, /functions); schemas: @oaas/pm-api routes.
import { routes } from "@oaas/pm-api";
import { callContext, type Api, type ApiDeps } from "../context.ts";
import { packageInput } from "../compat.ts";
import { pageOf, sendPage } from "../paging.ts";

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
  app.get(listPackages.url, { schema: listPackages.schema }, async (request, reply) => {
    const q = request.query;
    const page = pageOf(q);
    const fetched = await deps.packages.list({
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
      ...page.fetch,
    });
    return sendPage(request, reply, page.ask, fetched);
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
  // The catalog is derived from every package: paged here, after it is built.
  app.get(routes.listClasses.url, { schema: routes.listClasses.schema }, async (request, reply) => {
    const { ask } = pageOf(request.query);
    const all = await deps.packages.classes();
    return sendPage(request, reply, ask, all.slice(ask.offset, ask.offset + ask.limit + 1));
  });
  app.get(routes.listFunctions.url, { schema: routes.listFunctions.schema }, async (request, reply) => {
    const { ask } = pageOf(request.query);
    const all = await deps.packages.functions();
    return sendPage(request, reply, ask, all.slice(ask.offset, ask.offset + ask.limit + 1));
  });
}
