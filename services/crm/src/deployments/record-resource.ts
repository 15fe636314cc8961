// The DeploymentRecord as an API resource: its type and a plain read, for the workers
// (reconciler, analyzer, enforcer, `crm nfr explain`) that read one record by name.
import { group, plural, version, type DeploymentRecord } from "@oaas/crd";
import { getObject, type KubeClient, type ResourceType } from "@oaas/kube";

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
