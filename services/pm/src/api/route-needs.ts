// What each route of the PM needs, looked up from the one table that declares it
// (@oaas/pm-api routes and serviceRoutes), and what a write acts on (for audit lines).
// Pure: the Fastify hooks (auth.ts) call these.
import type { Need } from "@oaas/auth";
import { apiPrefix, routes, serviceRoutes } from "@oaas/pm-api";

/** What the server knows of a route when it registers it. */
export interface RouteNeed {
  readonly need: Need;
  /** A write (POST, PUT, PATCH, DELETE): rate-limited per principal, audited, refused to namespace-scoped principals. */
  readonly write: boolean;
  /** What a write acts on: `package` or `deployment` (the object's name follows in the audit line). */
  readonly kind?: "package" | "deployment";
}

const table = new Map<string, RouteNeed>();
const isWrite = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method);
for (const route of Object.values(routes)) {
  const aliases: readonly string[] = "aliases" in route ? route.aliases : [];
  const kind = route.url.startsWith("/packages") ? "package" : "deployment";
  for (const url of [route.url, ...aliases])
    table.set(`${route.method} ${apiPrefix}${url}`, {
      need: route.need,
      write: isWrite(route.method),
      ...(isWrite(route.method) ? { kind } : {}),
    });
}
for (const route of Object.values(serviceRoutes))
  table.set(`${route.method} ${route.url}`, { need: route.need, write: false });

/**
 * The need of the route registered as `method url` (the full path template, prefix
 * included; HEAD as its GET), or undefined when the table does not declare it: the server
 * then refuses every request to it (admin only) and the route inventory test fails.
 */
export function routeNeed(method: string, url: string): RouteNeed | undefined {
  return table.get(`${method === "HEAD" ? "GET" : method} ${url}`);
}

/** What a path no route matches needs: a viewer, so a caller without a credential learns nothing of which paths exist. */
export const unmatchedNeed: Need = "viewer";

/**
 * The object of an audit line: `<kind>/<name>` from the path parameter (`key`, `name`) or,
 * for a create, the body's `key` or `name`; `<kind>/-` when neither says (a refused body).
 */
export function auditObject(kind: RouteNeed["kind"], params: unknown, body: unknown): string | undefined {
  if (kind === undefined) return undefined;
  const field = (value: unknown, name: string) => {
    const v = (value as Record<string, unknown> | null | undefined)?.[name];
    return typeof v === "string" && v !== "" ? v.slice(0, 253) : undefined;
  };
  const name =
    field(params, "key") ?? field(params, "name") ?? field(body, kind === "package" ? "name" : "key") ?? "-";
  return `${kind}/${name}`;
}
