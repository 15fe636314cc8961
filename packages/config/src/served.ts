// Which namespaces a CRM serves: the one rule the watcher (what it watches), the ingress
// (where it accepts any RPC) and the gate (the namespace boundary of issue 23) all read, so
// a record is never stored where no watcher sees it (a Deploy into kube-system answered OK
// and its record never got a status, nor left) and no caller acts outside the boundary.
// The served namespaces are OPRC_CRM_ALLOWED_NAMESPACES; relations.ts refuses one the
// watcher does not watch, so the two can never disagree.
import { vars } from "./variables.ts";
import type { CrmConfig } from "./types.ts";

/**
 * The namespace the watcher watches records and children in: OPRC_CRM_K8S_NAMESPACE.
 * Every record outside it is never reconciled, so its finalizer is never removed.
 */
export function watchedNamespace(config: Pick<CrmConfig, "namespace">): string {
  return config.namespace;
}

/**
 * The namespaces requests may act in (every RPC naming another is PERMISSION_DENIED before
 * any lookup) and a Deploy may write records to: OPRC_CRM_ALLOWED_NAMESPACES, default
 * [OPRC_CRM_K8S_NAMESPACE]. Each is watched (relations.ts checkServed refuses any other).
 */
export function servedNamespaces(config: Pick<CrmConfig, "auth">): readonly string[] {
  return config.auth.allowedNamespaces;
}

/** The variable that chooses the served namespaces, for messages that say how to change them. */
export const servedNamespacesVariable: string = vars.allowedNamespaces;
