// Class runtimes (alias deployment-records): a bare list as the reference implementation
// answers it; clusters that did not answer are named in a header (@oaas/pm-api runtimes.ts).
import { failedClustersHeader, routes } from "@oaas/pm-api";
import { callContext, type Api, type ApiDeps } from "../context.ts";
import { runtimeOut } from "../compat.ts";
import { pageOf, sendPage } from "../paging.ts";

/** JSON with every non-ASCII character escaped: a header value must be visible ASCII. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function runtimeRoutes(app: Api, deps: ApiDeps): void {
  const { listRuntimes, getRuntime } = routes;
  for (const url of [listRuntimes.url, ...listRuntimes.aliases]) {
    app.get(url, { schema: listRuntimes.schema }, async (request, reply) => {
      const page = pageOf(request.query);
      const list = await deps.runtimes.list({ ...request.query, ...page.fetch }, callContext(request));
      if (list.failed_clusters.length > 0)
        void reply.header(failedClustersHeader, asciiJson(list.failed_clusters));
      return sendPage(request, reply, page.ask, list.items).map(runtimeOut);
    });
  }
  for (const url of [getRuntime.url, ...getRuntime.aliases]) {
    app.get(url, { schema: getRuntime.schema }, async (request) =>
      runtimeOut(await deps.runtimes.get(request.params.id, callContext(request), request.query.cluster)),
    );
  }
}
