// Deployment routes; schemas: @oaas/pm-api routes. Bodies pass through compat.ts (the
// reference implementation's aliases) before validation of the rules and the services.
import { validateDeployment, type OClassDeployment } from "@oaas/models";
import {
  routes,
  type DeploymentClusterView,
  type DeploymentHistory,
  type DeploymentResult as ResultBody,
} from "@oaas/pm-api";
import type { DeploymentResult } from "../../services/deployments.ts";
import { ValidationError } from "../../services/errors.ts";
import { callContext, type Api, type ApiDeps } from "../context.ts";
import { deploymentInput, deploymentOut, mappingsOut, statusOut } from "../compat.ts";
import { pageOf, sendPage } from "../paging.ts";

/**
 * The HTTP status of a dispatch: 202 when its outcome on some cluster is not known yet
 * (condition UNKNOWN: stored, and the PM settles it), else `done`. A 503 always means
 * nothing was stored or sent.
 */
function dispatchStatus<D extends 200 | 201>(result: DeploymentResult, done: D): D | 202 {
  return result.condition === "UNKNOWN" ? 202 : done;
}

/** A dispatch's answer with the reference implementation's {id, status, message}. */
function resultOut(result: DeploymentResult, verb: "created" | "updated"): ResultBody {
  const message =
    result.condition === "UNKNOWN"
      ? `deployment ${verb}; its outcome on ${(result.unknown_clusters ?? []).join(", ")} is not known yet`
      : `deployment ${verb}`;
  return { ...result, id: result.key, status: verb, message };
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

export function deploymentRoutes(app: Api, deps: ApiDeps): void {
  const r = routes;
  const input = (body: OClassDeployment): OClassDeployment => {
    const deployment = deploymentInput(body, deps.crm.defaultCluster);
    const errors = validateDeployment(deployment);
    if (errors.length) throw new ValidationError(errors, "invalid deployment");
    return deployment;
  };
  app.post(r.createDeployment.url, { schema: r.createDeployment.schema }, async (request, reply) => {
    const result = await deps.deployments.create(input(request.body), callContext(request));
    return reply.code(dispatchStatus(result, 201)).send(resultOut(result, "created"));
  });
  app.put(r.replaceDeployment.url, { schema: r.replaceDeployment.schema }, async (request, reply) => {
    const key = request.params.key;
    const named = request.body.key || key;
    if (named !== key)
      throw new ValidationError(
        [{ field: "key", message: `the body names deployment "${named}", not "${key}"` }],
        "invalid deployment",
      );
    const result = await deps.deployments.replace(
      input({ ...request.body, key }),
      callContext(request),
      ifMatchGeneration(request.headers["if-match"]),
    );
    return reply.code(dispatchStatus(result, 200)).send(resultOut(result, "updated"));
  });
  app.get(r.listDeployments.url, { schema: r.listDeployments.schema }, async (request, reply) => {
    const page = pageOf(request.query);
    const fetched = await deps.deployments.list({ ...request.query, ...page.fetch });
    return sendPage(request, reply, page.ask, fetched).map(deploymentOut);
  });
  app.get(r.getDeployment.url, { schema: r.getDeployment.schema }, async (request, reply) => {
    const { deployment, clusters } = await deps.deployments.get(request.params.key, callContext(request));
    // The generation a client names in If-Match to update what it read (PUT).
    if (deployment.generation !== undefined) void reply.header("etag", `"${deployment.generation}"`);
    // Each cluster's view is built by the settler from its mapping and the CRM's answer
    // (services/settle.ts); its shape is the contract's DeploymentClusterView.
    return { ...deploymentOut(deployment), clusters: clusters as DeploymentClusterView[] };
  });
  app.delete(r.deleteDeployment.url, { schema: r.deleteDeployment.schema }, async (request) => {
    const { cluster } = request.query;
    const result = await deps.deployments.delete(request.params.key, callContext(request), cluster);
    const message = result.record_deleted
      ? "deployment deleted"
      : `deployment deleted on ${result.deleted_clusters.join(", ")}`;
    return { ...result, id: result.key, message, ...(cluster !== undefined ? { cluster } : {}) };
  });
  const mappings = r.deploymentMappings;
  for (const url of [mappings.url, ...mappings.aliases]) {
    app.get(url, { schema: mappings.schema }, async (request) =>
      mappingsOut(
        request.params.key,
        await deps.deployments.mappings(request.params.key, callContext(request)),
      ),
    );
  }
  app.get(r.deploymentHistory.url, { schema: r.deploymentHistory.schema }, async (request) => {
    const history = await deps.deployments.history(
      request.params.key,
      callContext(request),
      request.query.cluster,
    );
    // The entries are the CRMs' history as they sent it (@oaas/queue HistoryEntry).
    return history as unknown as DeploymentHistory;
  });
  app.get(r.deploymentNfr.url, { schema: r.deploymentNfr.schema }, async (request) =>
    deps.deployments.nfr(
      request.params.key,
      callContext(request),
      request.query.cluster,
      request.query.at_rps,
    ),
  );
  app.get(r.deploymentStatus.url, { schema: r.deploymentStatus.schema }, async (request) => {
    const { id } = request.params;
    return statusOut(
      id,
      await deps.deployments.status(id, callContext(request), request.query.cluster),
      new Date(),
    );
  });
}
