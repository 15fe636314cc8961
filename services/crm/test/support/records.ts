// Direct access to DeploymentRecords for setting up and checking tests.
import { apiVersion, finalizer, kind, recordName, type DeploymentRecord } from "@oaas/crd";
import { applyObject, getObject, isKubeError, listObjects, type KubeClient } from "@oaas/kube";
import { waitFor } from "@oaas/testkit";
import { deploymentRecords } from "../../src/deployments/record-resource.ts";

export function getRecord(kube: KubeClient, namespace: string, deploymentId: string) {
  return getObject<DeploymentRecord>(kube, deploymentRecords, namespace, recordName(deploymentId));
}

export function listRecords(kube: KubeClient, namespace: string): Promise<DeploymentRecord[]> {
  return listObjects<DeploymentRecord>(kube, deploymentRecords, namespace);
}

/** What the reconciler will do once the children are gone: drop the finalizer. */
export async function removeFinalizer(
  kube: KubeClient,
  namespace: string,
  deploymentId: string,
): Promise<void> {
  try {
    await kube.request({
      method: "PATCH",
      path: `/apis/oaas.io/v1alpha1/namespaces/${namespace}/deploymentrecords/${recordName(deploymentId)}`,
      body: { metadata: { finalizers: null } },
      contentType: "application/merge-patch+json",
    });
  } catch (error) {
    if (!isKubeError(error, "notFound")) throw error;
  }
}

/** Puts the CRM's cleanup finalizer on a record (as Deploy writes it). */
export async function addFinalizer(kube: KubeClient, namespace: string, deploymentId: string): Promise<void> {
  await kube.request({
    method: "PATCH",
    path: `/apis/oaas.io/v1alpha1/namespaces/${namespace}/deploymentrecords/${recordName(deploymentId)}`,
    body: { metadata: { finalizers: [finalizer] } },
    contentType: "application/merge-patch+json",
  });
}

/** Deletes a record straight at the API server (kubectl delete): its finalizers keep it, marked. */
export async function deleteRecord(kube: KubeClient, namespace: string, deploymentId: string): Promise<void> {
  await kube.request({
    method: "DELETE",
    path: `/apis/oaas.io/v1alpha1/namespaces/${namespace}/deploymentrecords/${recordName(deploymentId)}`,
  });
}

/** Drops every finalizer in the namespace, so deleting the namespace is not held up. */
export async function releaseAll(kube: KubeClient, namespace: string): Promise<void> {
  for (const record of await listRecords(kube, namespace)) {
    await removeFinalizer(kube, namespace, record.spec.deployment_id ?? record.metadata.name);
  }
}

/** A record not written by Deploy (hand-written, or another id) under the name `deploymentId` maps to. */
export async function putForeignRecord(
  kube: KubeClient,
  namespace: string,
  deploymentId: string,
  owner: string | undefined,
): Promise<void> {
  await applyObject(
    kube,
    deploymentRecords,
    {
      apiVersion,
      kind,
      metadata: { name: recordName(deploymentId), namespace },
      spec: {
        ...(owner !== undefined ? { deployment_id: owner } : {}),
        selected_template: "dev",
        function: { image: "ghcr.io/oaas/hand-written:1", port: 8080 },
      },
    },
    { fieldManager: "kubectl" },
  );
}

/** Waits until the API server serves DeploymentRecords in the namespace (a new CRD takes a moment). */
export async function waitForRecordsServed(kube: KubeClient, namespace: string): Promise<void> {
  await waitFor(() => listRecords(kube, namespace).then(() => true), {
    description: "DeploymentRecords to be served",
    timeoutMs: 30_000,
  });
}
