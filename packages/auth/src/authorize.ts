// Authorization: may this principal do what the route or RPC needs, in this namespace?
// Decided before anything is looked up, so a refusal never tells whether the object exists
// (the Kubernetes API server also authorizes before it reads).
import { describePrincipal, scopeIncludes, type Principal } from "./principal.ts";
import { roleSatisfies, type Need } from "./roles.ts";

export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly lacks: "role" | "namespace"; readonly reason: string };

/**
 * Allows when the principal's role satisfies `need` and, when the action is in a namespace,
 * the principal's scope includes it. The reason of a refusal names the role or namespace
 * the caller lacks (never a secret, never whether the object exists).
 */
export function authorize(principal: Principal, need: Need, namespace?: string): Decision {
  if (!roleSatisfies(principal.role, need))
    return {
      allowed: false,
      lacks: "role",
      reason: `${describePrincipal(principal)} may not do this: it needs the ${need} role`,
    };
  if (namespace !== undefined && !scopeIncludes(principal.namespaces, namespace))
    return {
      allowed: false,
      lacks: "namespace",
      reason: `${principal.name} may not act in namespace ${namespace}`,
    };
  return { allowed: true };
}
