// The reconciler's calls on the DeploymentRecord itself: read it, add or drop the
// finalizer (JSON patch guarded by a test op, so a concurrent change is a 409/422 and a
// retry, never a lost write) and server-side apply the status fields this worker owns.
import { apiVersion, finalizer, group, kind, plural, version, type DeploymentRecord } from "@oaas/crd";
import { getObject, resourcePath, type KubeClient, type ResourceType } from "@oaas/kube";
import type { ReconcilerStatus } from "./status.ts";

export const deploymentRecords: ResourceType = { group, version, plural, namespaced: true };

export function getRecord(
  kube: KubeClient,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<DeploymentRecord | undefined> {
  return getObject<DeploymentRecord>(kube, deploymentRecords, namespace, name, { signal });
}

/** Adds the cleanup finalizer; the test op fails the patch if the list changed since it was read. */
export function addFinalizer(
  kube: KubeClient,
  record: DeploymentRecord,
  signal: AbortSignal,
): Promise<DeploymentRecord> {
  const current = record.metadata.finalizers;
  const ops =
    current === undefined
      ? [
          { op: "test", path: "/metadata/resourceVersion", value: record.metadata.resourceVersion },
          { op: "add", path: "/metadata/finalizers", value: [finalizer] },
        ]
      : [
          { op: "test", path: "/metadata/finalizers", value: current },
          { op: "add", path: "/metadata/finalizers/-", value: finalizer },
        ];
  return patch(kube, record, ops, signal);
}

/** Drops the cleanup finalizer and keeps every other one; guarded like addFinalizer. */
export function removeFinalizer(
  kube: KubeClient,
  record: DeploymentRecord,
  signal: AbortSignal,
): Promise<DeploymentRecord> {
  const current = record.metadata.finalizers ?? [];
  return patch(
    kube,
    record,
    [
      { op: "test", path: "/metadata/finalizers", value: current },
      { op: "replace", path: "/metadata/finalizers", value: current.filter((f) => f !== finalizer) },
    ],
    signal,
  );
}

function patch(kube: KubeClient, record: DeploymentRecord, ops: unknown[], signal: AbortSignal) {
  return kube.request<DeploymentRecord>({
    method: "PATCH",
    path: resourcePath(deploymentRecords, record.metadata.namespace, record.metadata.name),
    contentType: "application/json-patch+json",
    body: ops,
    signal,
  });
}

/**
 * Server-side apply of the reconciler's status fields through /status. Other workers'
 * fields (NfrObserved, recommendations) have their own managers and are kept; a field
 * this worker stops sending is removed. The uid precondition keeps it off a new incarnation.
 */
export function applyStatus(
  kube: KubeClient,
  record: DeploymentRecord,
  status: ReconcilerStatus,
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
