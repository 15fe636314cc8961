// Helpers for watcher tests: a recording stand-in for the queue producer, and writers
// for records and labelled children on the real API server.
import type { JobPriority, RecordJob } from "@oaas/queue";
import { apiVersion, correlationIdAnnotation, kind, ownerLabel, type DeploymentRecord } from "@oaas/crd";
import { applyObject, type KubeClient, type ResourceType } from "@oaas/kube";
import { deploymentRecords } from "../../src/deployments/record-resource.ts";

export interface RecordedJob {
  readonly job: RecordJob;
  readonly priority: JobPriority;
}

/**
 * A recording `enqueue`. The real producer (packages/queue, BullMQ on Redis) is another
 * engineer's work in progress; the watcher's contract is only "calls enqueue(job,
 * {priority})", which this records. `failFirst` makes the first N calls reject (Redis down).
 */
export function recordingEnqueue(failFirst = 0) {
  const jobs: RecordedJob[] = [];
  let calls = 0;
  const enqueue = (job: RecordJob, options: { readonly priority: JobPriority }): Promise<void> => {
    calls++;
    if (calls <= failFirst)
      return Promise.reject(new Error(`redis unavailable (simulated failure ${calls})`));
    jobs.push({ job, priority: options.priority });
    return Promise.resolve();
  };
  return {
    enqueue,
    jobs,
    calls: () => calls,
    of: (name: string, reason?: string) =>
      jobs.filter((j) => j.job.name === name && (reason === undefined || j.job.reason === reason)),
  };
}

/** A hand-written (kubectl-style) record. */
export function putRecord(
  kube: KubeClient,
  namespace: string,
  name: string,
  options: { image?: string; correlationId?: string; labels?: Record<string, string> } = {},
): Promise<DeploymentRecord> {
  return applyObject<DeploymentRecord>(
    kube,
    deploymentRecords,
    {
      apiVersion,
      kind,
      metadata: {
        name,
        namespace,
        ...(options.labels ? { labels: options.labels } : {}),
        ...(options.correlationId
          ? { annotations: { [correlationIdAnnotation]: options.correlationId } }
          : {}),
      },
      spec: {
        deployment_id: name,
        selected_template: "dev",
        function: { image: options.image ?? "ghcr.io/oaas/watcher-test:1", port: 8080 },
      },
    },
    { fieldManager: "watcher-test", force: true },
  );
}

export const deployments: ResourceType = {
  group: "apps",
  version: "v1",
  plural: "deployments",
  namespaced: true,
};

/** A child Deployment of `record` (owner label + owner reference), scaled to 0. */
export function putChildDeployment(
  kube: KubeClient,
  record: DeploymentRecord,
  name: string,
  extraLabels: Record<string, string> = {},
  /** Who applies it: the reconciler's field manager makes it look like the CRM's own child. */
  fieldManager = "watcher-test",
): Promise<unknown> {
  const labels = { [ownerLabel]: record.metadata.name, app: name, ...extraLabels };
  return applyObject(
    kube,
    deployments,
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name,
        namespace: record.metadata.namespace,
        labels,
        ownerReferences: [{ apiVersion, kind, name: record.metadata.name, uid: record.metadata.uid }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: "fn", image: "ghcr.io/oaas/watcher-test:1" }] },
        },
      },
    } as { metadata: { name: string; namespace?: string } },
    { fieldManager, force: true },
  );
}

/** Writes the record's status subresource only (what the reconciler does). */
export async function patchRecordStatus(
  kube: KubeClient,
  record: DeploymentRecord,
  message: string,
): Promise<void> {
  await kube.request({
    method: "PATCH",
    path: `/apis/oaas.io/v1alpha1/namespaces/${record.metadata.namespace ?? ""}/deploymentrecords/${record.metadata.name}/status`,
    body: { status: { message } },
    contentType: "application/merge-patch+json",
  });
}
