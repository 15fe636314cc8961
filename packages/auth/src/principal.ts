// A principal: who a request comes from, after authentication. The namespace scope limits
// which namespaces it may act in; the CRM intersects it with the namespaces it serves.
import type { Role } from "./roles.ts";

/** Namespaces a principal may act in: every one (`*`) or a list. */
export type NamespaceScope = "*" | readonly string[];

/** How the principal proved who it is: `disabled` marks requests served with authentication explicitly turned off, `none` a public route. */
export type AuthMethod = "token" | "jwt" | "mtls" | "basic" | "disabled" | "none";

export interface Principal {
  /** The user name (tokens file, certificate identity or JWT subject). Never a secret. */
  readonly name: string;
  readonly role: Role;
  readonly namespaces: NamespaceScope;
  readonly via: AuthMethod;
}

/** The principal every request gets when authentication is explicitly disabled. */
export const anonymousAdmin: Principal = {
  name: "anonymous",
  role: "admin",
  namespaces: "*",
  via: "disabled",
};

/** Who a public route (a probe) is served to: no credential was asked for, and it holds no rights beyond the route. */
export const unauthenticated: Principal = { name: "anonymous", role: "metrics", namespaces: [], via: "none" };

/** `name via role`, the form history entries and audit messages use (`pm-prod via deployer`). */
export function describePrincipal(principal: Principal): string {
  return `${principal.name} via ${principal.role}`;
}

/** Whether `scope` includes `namespace`. */
export function scopeIncludes(scope: NamespaceScope, namespace: string): boolean {
  return scope === "*" || scope.includes(namespace);
}
