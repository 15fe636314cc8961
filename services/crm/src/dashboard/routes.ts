// What every route of the dashboard needs, in one table: the probes are public, /metrics
// needs `metrics` (as on every role), pages and read APIs `viewer`, and every write of Bull
// Board (retry, clean, promote, pause, ...) `admin`. Bull Board registers its own routes; the
// server records each registration (onRoute) and a test fails on any route missing here, so a
// Bull Board upgrade that adds a route cannot slip through. A route still missing at run time
// needs `admin`; a path with no route needs `viewer` (401 before 404: nothing is revealed).
import type { Need } from "@oaas/auth";

type Method = "GET" | "PUT" | "POST" | "PATCH" | "DELETE";

/** Routes at the server's root whatever the base path: kubelet probes and scrapes do not go through the Ingress. */
const rootRoutes: readonly (readonly [Method, string, Need])[] = [
  ["GET", "/healthz", "public"],
  ["GET", "/readyz", "public"],
  ["GET", "/metrics", "metrics"],
];

/** Reads under the base path ("" is the board's entry page). */
const reads: readonly string[] = [
  "",
  "metrics-history",
  "job-schedulers",
  "queue/:queueName",
  "queue/:queueName/:jobId",
  "static/*",
  "records",
  "records/:namespace/:name",
  "api/redis/stats",
  "api/queues",
  "api/job-schedulers",
  "api/queues/:queueName/metrics",
  "api/queues/:queueName/default-job-options",
  "api/queues/:queueName/workers",
  "api/queues/:queueName/rate-limit",
  "api/queues/:queueName/job-data-schema",
  "api/queues/:queueName/:jobId/logs",
  "api/queues/:queueName/:jobId/flow",
  "api/queues/:queueName/:jobId",
];

/** Bull Board's writes under the base path: admin only (and refused with 405 while read-only). */
const writes: readonly (readonly [Method, string])[] = [
  ["PUT", "api/queues/pause"],
  ["PUT", "api/queues/resume"],
  ["POST", "api/queues/:queueName/add"],
  ["PUT", "api/queues/:queueName/retry/:queueStatus"],
  ["PUT", "api/queues/:queueName/promote"],
  ["PUT", "api/queues/:queueName/clean/:queueStatus"],
  ["PUT", "api/queues/:queueName/pause"],
  ["PUT", "api/queues/:queueName/resume"],
  ["PUT", "api/queues/:queueName/concurrency"],
  ["PUT", "api/queues/:queueName/rate-limit"],
  ["PUT", "api/queues/:queueName/rate-limit/release"],
  ["PUT", "api/queues/:queueName/empty"],
  ["PUT", "api/queues/:queueName/obliterate"],
  ["PUT", "api/queues/:queueName/job-schedulers/:schedulerId/remove"],
  ["PATCH", "api/queues/:queueName/job-schedulers/:schedulerId"],
  ["PUT", "api/queues/:queueName/job-schedulers/:schedulerId/run"],
  ["PUT", "api/queues/:queueName/:jobId/retry"],
  ["PUT", "api/queues/:queueName/:jobId/clean"],
  ["PUT", "api/queues/:queueName/:jobId/promote"],
  ["PATCH", "api/queues/:queueName/:jobId/update-data"],
  ["PATCH", "api/queues/:queueName/:jobId/delay"],
  ["PATCH", "api/queues/:queueName/:jobId/priority"],
  ["PUT", "api/queues/:queueName/:jobId/remove-unprocessed-children"],
];

/**
 * The dashboard's own pages under the base path: they show records namespace by namespace
 * (record-routes.ts filters by the caller's scope). Every other route under the base path
 * is Bull Board's, which shows and acts on jobs of every served namespace at once.
 */
const ownPages: readonly string[] = ["records", "records/:namespace/:name", "static/*"];

/**
 * For a base path: whether a route pattern is Bull Board's, so its caller must be allowed
 * in every served namespace (access.ts). Root routes (probes, /metrics) are not.
 */
export function bullBoardRoutes(basePath: string): (url: string) => boolean {
  const own = new Set(ownPages.map((path) => withoutTrailingSlash(`${basePath}${path}`)));
  return (url) => {
    const route = withoutTrailingSlash(url);
    return (
      `${route}/`.startsWith(basePath) && !own.has(route) && !rootRoutes.some(([, path]) => path === route)
    );
  };
}

/** A route as Fastify registered it, with what it needs (undefined: not in the table). */
export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly need: Need | undefined;
}

/** `/a/b/` and `/a/b` are one route (the server ignores trailing slashes); `/` stays `/`. */
function withoutTrailingSlash(url: string): string {
  return url.length > 1 && url.endsWith("/") ? url.slice(0, -1) : url;
}

/** HEAD is answered by the GET route (Fastify registers it beside every GET). */
function keyOf(method: string, url: string): string {
  const upper = method.toUpperCase();
  return `${upper === "HEAD" ? "GET" : upper} ${withoutTrailingSlash(url)}`;
}

/** The table for a base path ("/" or "/a/b/"), as a lookup of what a method and route pattern need. */
export function routeNeeds(basePath: string): (method: string, url: string) => Need | undefined {
  const table = new Map<string, Need>();
  for (const [method, url, need] of rootRoutes) table.set(keyOf(method, url), need);
  for (const path of reads) table.set(keyOf("GET", `${basePath}${path}`), "viewer");
  for (const [method, path] of writes) table.set(keyOf(method, `${basePath}${path}`), "admin");
  return (method, url) => table.get(keyOf(method, url));
}

/** What a request to a path with no route needs: a credential, so an unknown path tells a stranger nothing. */
export const unroutedNeed: Need = "viewer";

/** What a route registered but missing from the table needs at run time (the test fails on it first). */
export const undeclaredNeed: Need = "admin";
