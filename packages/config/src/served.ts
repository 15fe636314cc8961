// Which namespaces a CRM serves: the one rule the watcher (what it watches), the ingress
// (where it accepts any RPC), the analyzer (which records it caches), the dashboard (which
// records it shows) and the gate (the namespace boundary of every RPC and route) all read, so a record
// is never stored where no watcher sees it (a Deploy into kube-system answered OK and its
// record never got a status, nor left) and no caller acts outside the boundary.
// The served namespaces are OPRC_CRM_ALLOWED_NAMESPACES (default: OPRC_CRM_K8S_NAMESPACE,
// the CRM's own); the watcher runs one set of informers per served namespace.
import { vars } from "./variables.ts";
import type { CrmConfig } from "./types.ts";

/**
 * The namespaces the watcher watches records and children in: exactly the served ones
 * (servedNamespaces), one set of informers each, so every record a Deploy may write is
 * reconciled and loses its finalizer. The Lease stays in OPRC_CRM_K8S_NAMESPACE.
 */
export function watchedNamespaces(config: Pick<CrmConfig, "auth">): readonly string[] {
  return servedNamespaces(config);
}

/**
 * The namespaces requests may act in (every RPC naming another is PERMISSION_DENIED before
 * any lookup) and a Deploy may write records to: OPRC_CRM_ALLOWED_NAMESPACES, default
 * [OPRC_CRM_K8S_NAMESPACE], without duplicates, in the order given. Each is watched.
 */
export function servedNamespaces(config: Pick<CrmConfig, "auth">): readonly string[] {
  return config.auth.allowedNamespaces;
}

/** The variable that chooses the served namespaces, for messages that say how to change them. */
export const servedNamespacesVariable: string = vars.allowedNamespaces;
