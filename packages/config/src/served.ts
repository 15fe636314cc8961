// Which namespaces a CRM serves: the one rule the watcher (what it watches) and the ingress
// (where it accepts a Deploy) both read, so a record is never stored where no watcher sees
// it (a Deploy into kube-system answered OK and its record never got a status, nor left).
import { vars } from "./variables.ts";
import type { CrmConfig } from "./types.ts";

/**
 * The namespace the watcher watches records and children in: OPRC_CRM_K8S_NAMESPACE.
 * Every record outside it is never reconciled, so its finalizer is never removed.
 */
export function watchedNamespace(config: Pick<CrmConfig, "namespace">): string {
  return config.namespace;
}

/** The namespaces a Deploy may write records to: those a watcher watches (watchedNamespace). */
export function servedNamespaces(config: Pick<CrmConfig, "namespace">): readonly string[] {
  return [watchedNamespace(config)];
}

/** The variable that chooses the served namespaces, for messages that say how to change them. */
export const servedNamespacesVariable: string = vars.namespace;
