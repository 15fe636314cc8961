// Every route of the PM's REST API (under /api/v1) with the schema of its request and of
// each answer, errors included: the PM registers its handlers with these (Fastify validates
// requests with them and types the handlers), the OpenAPI document is generated from
// them, and oaasctl reads its answers with their Static<> types.
import { classDeploymentSchema, deploymentConditions, packageSchema } from "@oaas/models";
import type { Need } from "@oaas/auth";
import Type, { type Static, type TSchema } from "typebox";
import { ClusterHealth, ClusterInfo, HealthSummary } from "./clusters.ts";
import {
  authErrors,
  bodyErrors,
  ClusterQuery,
  described,
  errors,
  FreshQuery,
  IdParams,
  Key,
  KeyParams,
  NameParams,
  NoContent,
  NoQuery,
  paging,
  query,
} from "./common.ts";
import {
  DeleteResult,
  Deployment,
  DeploymentHistory,
  DeploymentMappings,
  DeploymentResult,
  DeploymentWithClusters,
} from "./deployments.ts";
import { DeploymentNfr, NfrQuery } from "./nfr.ts";
import { CatalogClass, CatalogFunction, Package, PackageWritten } from "./packages.ts";
import { RuntimeItem, RuntimeList, RuntimeQuery } from "./runtimes.ts";
import { DeploymentStatus } from "./status.ts";

export const apiPrefix = "/api/v1";

export const PackageQuery = query({
  name_pattern: Type.Optional(Type.String({ description: "substring of the name; with * a glob" })),
  disabled: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Type.String({ description: "comma-separated; a package must carry all of them" })),
  ...paging,
});
export type PackageQuery = Static<typeof PackageQuery>;

export const DeploymentQuery = query({
  package_name: Type.Optional(Key),
  class_key: Type.Optional(Key),
  target_env: Type.Optional(Key),
  target_cluster: Type.Optional(Key),
  condition: Type.Optional(Type.Enum(deploymentConditions)),
  ...paging,
});
export type DeploymentQuery = Static<typeof DeploymentQuery>;

/** PUT /deployments/{key}: If-Match names the generation read (its ETag). */
export const IfMatchHeaders = Type.Object({
  "if-match": Type.Optional(
    Type.String({
      maxLength: 100,
      description:
        'the ETag of GET /deployments/{key} ("<generation>"): refused with 412 when it changed since',
    }),
  ),
});

const packageTags = ["packages"];
const deploymentTags = ["deployments"];
const runtimeTags = ["class-runtimes"];
const clusterTags = ["clusters"];

/**
 * The route table: one entry per route (aliases share their entry's schema and need).
 * `need` is the role a caller must hold (@oaas/auth: metrics < viewer < deployer < admin):
 * reads need viewer, writes of packages and deployments deployer. The PM checks it for
 * every request before the handler runs (services/pm/src/api/auth.ts), and every route
 * that needs a role also answers the gate's 401, 403 and 429 (added by `guarded`).
 */
export const routes = guarded({
  createPackage: {
    method: "POST",
    need: "deployer",
    url: "/packages",
    schema: {
      tags: packageTags,
      summary: "Create a package (schedules its embedded deployments)",
      querystring: NoQuery,
      body: packageSchema,
      response: { 201: PackageWritten, ...errors(...bodyErrors, 409, 502, 503) },
    },
  },
  listPackages: {
    method: "GET",
    need: "viewer",
    url: "/packages",
    schema: {
      tags: packageTags,
      summary: "List packages (ordered by name)",
      querystring: PackageQuery,
      response: { 200: Type.Array(Package), ...errors(400, 503) },
    },
  },
  getPackage: {
    method: "GET",
    need: "viewer",
    url: "/packages/:name",
    schema: {
      tags: packageTags,
      summary: "Get a package",
      params: NameParams,
      querystring: NoQuery,
      response: { 200: Package, ...errors(400, 404, 503) },
    },
  },
  updatePackage: {
    method: "POST",
    need: "deployer",
    url: "/packages/:name",
    schema: {
      tags: packageTags,
      summary: "Replace a package",
      params: NameParams,
      querystring: NoQuery,
      body: packageSchema,
      response: { 200: PackageWritten, ...errors(...bodyErrors, 404, 409, 503) },
    },
  },
  deletePackage: {
    method: "DELETE",
    need: "deployer",
    url: "/packages/:name",
    schema: {
      tags: packageTags,
      summary: "Delete a package (cascade per PACKAGE_DELETE_CASCADE)",
      params: NameParams,
      querystring: NoQuery,
      response: { 204: NoContent, ...errors(400, 404, 409, 502, 503) },
    },
  },
  listClasses: {
    method: "GET",
    need: "viewer",
    url: "/classes",
    schema: {
      tags: ["catalog"],
      summary: "Every class of every package",
      querystring: query({ ...paging }),
      response: { 200: Type.Array(CatalogClass), ...errors(400, 503) },
    },
  },
  listFunctions: {
    method: "GET",
    need: "viewer",
    url: "/functions",
    schema: {
      tags: ["catalog"],
      summary: "Every function of every package",
      querystring: query({ ...paging }),
      response: { 200: Type.Array(CatalogFunction), ...errors(400, 503) },
    },
  },
  createDeployment: {
    method: "POST",
    need: "deployer",
    url: "/deployments",
    schema: {
      tags: deploymentTags,
      summary: "Deploy a class to its target clusters (one unit per cluster)",
      querystring: NoQuery,
      body: classDeploymentSchema,
      response: {
        201: DeploymentResult,
        202: described(DeploymentResult, "stored; the outcome on some cluster is not known yet (UNKNOWN)"),
        ...errors(...bodyErrors, 404, 409, 502, 503),
      },
    },
  },
  replaceDeployment: {
    method: "PUT",
    need: "deployer",
    url: "/deployments/:key",
    schema: {
      tags: deploymentTags,
      summary:
        "Redeploy an existing deployment (e.g. after a package update changed an image): same key, same clusters, the CRMs roll it out",
      params: KeyParams,
      querystring: NoQuery,
      body: classDeploymentSchema,
      headers: IfMatchHeaders,
      response: {
        200: DeploymentResult,
        202: described(DeploymentResult, "stored; the outcome on some cluster is not known yet (UNKNOWN)"),
        ...errors(...bodyErrors, 404, 409, 412, 502, 503),
      },
    },
  },
  listDeployments: {
    method: "GET",
    need: "viewer",
    url: "/deployments",
    schema: {
      tags: deploymentTags,
      summary: "List deployments (ordered by key)",
      querystring: DeploymentQuery,
      response: { 200: Type.Array(Deployment), ...errors(400, 503) },
    },
  },
  getDeployment: {
    method: "GET",
    need: "viewer",
    url: "/deployments/:key",
    schema: {
      tags: deploymentTags,
      summary: "A deployment with each cluster's status (ETag: its generation)",
      params: KeyParams,
      querystring: NoQuery,
      response: { 200: DeploymentWithClusters, ...errors(400, 404, 503) },
    },
  },
  deleteDeployment: {
    method: "DELETE",
    need: "deployer",
    url: "/deployments/:key",
    schema: {
      tags: deploymentTags,
      summary: "Delete a deployment on every cluster it went to (or ?cluster=), then its record",
      params: KeyParams,
      querystring: ClusterQuery,
      response: { 200: DeleteResult, ...errors(400, 404, 502, 503) },
    },
  },
  deploymentMappings: {
    method: "GET",
    need: "viewer",
    url: "/deployments/:key/cluster-mappings",
    aliases: ["/deployments/:key/env-mappings"],
    schema: {
      tags: deploymentTags,
      summary: "Where the deployment went: cluster -> unit id",
      params: KeyParams,
      querystring: NoQuery,
      response: { 200: DeploymentMappings, ...errors(400, 404, 503) },
    },
  },
  deploymentHistory: {
    method: "GET",
    need: "viewer",
    url: "/deployments/:key/history",
    schema: {
      tags: deploymentTags,
      summary:
        "What the CRMs did with a deployment (logical key or unit id; ?cluster= narrows it), oldest first",
      params: KeyParams,
      querystring: ClusterQuery,
      response: { 200: DeploymentHistory, ...errors(400, 404, 503) },
    },
  },
  deploymentNfr: {
    method: "GET",
    need: "viewer",
    url: "/deployments/:key/nfr",
    schema: {
      tags: deploymentTags,
      summary:
        "NFR state on each cluster holding the deployment (logical key or unit id; ?cluster= narrows it): requirements, enforcement mode, recommendations with their basis, the enforcer's decisions and why, NfrObserved; ?at_rps= adds a what-if",
      params: KeyParams,
      querystring: NfrQuery,
      response: { 200: DeploymentNfr, ...errors(400, 404, 503) },
    },
  },
  deploymentStatus: {
    method: "GET",
    need: "viewer",
    url: "/deployment-status/:id",
    schema: {
      tags: deploymentTags,
      summary:
        "Live status from the CRM (logical key or unit id; ?cluster= narrows it): summary, conditions with reasons, function readiness and URLs",
      params: IdParams,
      querystring: ClusterQuery,
      response: { 200: DeploymentStatus, ...errors(400, 404, 502, 503) },
    },
  },
  listRuntimes: {
    method: "GET",
    need: "viewer",
    url: "/class-runtimes",
    aliases: ["/deployment-records"],
    schema: {
      tags: runtimeTags,
      summary:
        "Runtimes of every cluster (or ?cluster=); clusters that did not answer are named in the x-oaas-failed-clusters header",
      querystring: RuntimeQuery,
      response: { 200: RuntimeList, ...errors(400, 503) },
    },
  },
  getRuntime: {
    method: "GET",
    need: "viewer",
    url: "/class-runtimes/:id",
    aliases: ["/deployment-records/:id"],
    schema: {
      tags: runtimeTags,
      summary: "A runtime by unit id, searched on every cluster (or ?cluster=)",
      params: IdParams,
      querystring: ClusterQuery,
      response: { 200: RuntimeItem, ...errors(400, 404, 503) },
    },
  },
  listClusters: {
    method: "GET",
    need: "viewer",
    url: "/clusters",
    aliases: ["/envs"],
    schema: {
      tags: clusterTags,
      summary: "Configured clusters with cached health",
      querystring: NoQuery,
      response: { 200: Type.Array(ClusterInfo), ...errors(400) },
    },
  },
  clustersHealth: {
    method: "GET",
    need: "viewer",
    url: "/clusters/health",
    aliases: ["/envs/health"],
    schema: {
      tags: clusterTags,
      summary: "Health of every cluster (?fresh=true skips the cache)",
      querystring: FreshQuery,
      response: { 200: Type.Array(ClusterHealth), ...errors(400) },
    },
  },
  healthSummary: {
    method: "GET",
    need: "viewer",
    url: "/clusters/health/summary",
    aliases: ["/envs/health/summary"],
    schema: {
      tags: clusterTags,
      summary: "One verdict over every cluster's health, with each cluster's (?fresh=true skips the cache)",
      querystring: FreshQuery,
      response: { 200: HealthSummary, ...errors(400) },
    },
  },
  clusterHealth: {
    method: "GET",
    need: "viewer",
    url: "/clusters/:name/health",
    aliases: ["/envs/:name/health"],
    schema: {
      tags: clusterTags,
      summary: "Health of one cluster (?fresh=true skips the cache)",
      params: NameParams,
      querystring: FreshQuery,
      response: { 200: ClusterHealth, ...errors(400, 404) },
    },
  },
} as const);

/**
 * The PM's routes outside the contract (not in the OpenAPI document), with their needs:
 * the probes are public (a kubelet has no token), /metrics needs the metrics role (which
 * every higher role satisfies), the OpenAPI document needs viewer like every read.
 */
export const serviceRoutes = {
  health: { method: "GET", url: "/health", need: "public" },
  ready: { method: "GET", url: "/ready", need: "public" },
  apiHealth: { method: "GET", url: `${apiPrefix}/health`, need: "public" },
  metrics: { method: "GET", url: "/metrics", need: "metrics" },
  openapi: { method: "GET", url: `${apiPrefix}/openapi.json`, need: "viewer" },
} as const satisfies Record<string, { method: string; url: string; need: Need }>;

/** A route as the table declares it. */
interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly need: Need;
  readonly aliases?: readonly string[];
  readonly schema: { readonly response: Readonly<Record<number, TSchema>> };
}

/** Adds the gate's answers (401, 403, 429) to every route that needs a role. */
function guarded<const T extends Record<string, RouteEntry>>(table: T): T {
  for (const entry of Object.values(table)) {
    if (entry.need === "public") continue;
    Object.assign(entry.schema.response, errors(...authErrors));
  }
  return table;
}

export type RouteName = keyof typeof routes;

/** The Static<> type of a route's answer with status `code`. */
export type Answer<
  R extends RouteName,
  C extends keyof (typeof routes)[R]["schema"]["response"],
> = (typeof routes)[R]["schema"]["response"][C] extends infer S extends TSchema ? Static<S> : never;
