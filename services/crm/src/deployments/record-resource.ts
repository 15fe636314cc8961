// The DeploymentRecord as an API resource: its type, a plain read, and the one way each
// worker (reconciler, analyzer, enforcer) writes the status fields it owns; for the
// workers and `crm nfr explain`.
import { apiVersion, group, kind, plural, version, type DeploymentRecord } from "@oaas/crd";
import { getObject, resourcePath, type KubeClient, type ResourceType } from "@oaas/kube";

/** deploymentrecords.<group>/<version>, namespaced. */
export const deploymentRecords: ResourceType = { group, version, plural, namespaced: true };

/**
 * GET of one record; undefined when it does not exist (404). Other failures reject with
 * the kube client's typed error. Bounded by `signal`.
 */
export function getRecord(
  kube: KubeClient,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<DeploymentRecord | undefined> {
  return getObject<DeploymentRecord>(kube, deploymentRecords, namespace, name, { signal });
}

/**
 * Server-side apply of `status` (the fields `fieldManager` owns) through the record's
 * status subresource, forced: each worker applies its own fields with its own manager,
 * so the others' fields stay (the CRD keys status.conditions by type) and a field this
 * manager stops sending is removed. The uid precondition keeps it off a re-created
 * record of the same name (409). Bounded by `signal`; rejects with the kube client's
 * typed error. https://kubernetes.io/docs/reference/using-api/server-side-apply/
 */
export function applyRecordStatus(
  kube: KubeClient,
  record: DeploymentRecord,
  status: object,
  fieldManager: string,
  signal: AbortSignal,
): Promise<DeploymentRecord> {
  const { name, namespace, uid } = record.metadata;
  return kube.request<DeploymentRecord>({
    method: "PATCH",
    path: `${resourcePath(deploymentRecords, namespace, name)}/status`,
    query: { fieldManager, force: true },
    contentType: "application/apply-patch+yaml",
    body: { apiVersion, kind, metadata: { name, namespace, uid }, status },
    signal,
  });
}
