// DeploymentRecords on the API server: the ingress's only I/O. Every call is bounded
// by the caller's signal (the RPC deadline) and translates Kubernetes failures into
// domain errors, so the service above reads as policy only.
import { group, plural, version, type DeploymentRecord } from "@oaas/crd";
import {
  applyObject,
  deleteObject,
  getObject,
  isKubeError,
  isMissingType,
  listObjects,
  type KubeClient,
  type ResourceType,
} from "@oaas/kube";
import { DeploymentError } from "./errors.ts";
import { ingressFieldManager } from "./labels.ts";

export const deploymentRecords: ResourceType = { group, version, plural, namespaced: true };

export interface RecordStore {
  get(namespace: string, name: string, signal: AbortSignal): Promise<DeploymentRecord | undefined>;
  /** Server-side apply; with metadata.resourceVersion set, fails with "conflict" when it changed. */
  apply(record: DeploymentRecord, signal: AbortSignal): Promise<DeploymentRecord | "conflict">;
  list(
    namespace: string,
    selectors: { labels: string; fields: string },
    signal: AbortSignal,
  ): Promise<DeploymentRecord[]>;
  /** Requests deletion of this incarnation (uid); false when it is already gone. */
  delete(namespace: string, name: string, uid: string | undefined, signal: AbortSignal): Promise<boolean>;
}

export function kubeRecordStore(client: KubeClient): RecordStore {
  return {
    get: (namespace, name, signal) =>
      translate(() => getObject<DeploymentRecord>(client, deploymentRecords, namespace, name, { signal })),
    apply: (record, signal) =>
      translate(async () => {
        try {
          return await applyObject(client, deploymentRecords, record, {
            fieldManager: ingressFieldManager,
            // The PM's desired state wins over anyone who edited these fields by hand.
            force: true,
            signal,
          });
        } catch (error) {
          if (isKubeError(error, "conflict")) return "conflict" as const;
          if (isKubeError(error, "notFound") && error.status?.details?.kind === "namespaces") {
            throw new DeploymentError(
              "failedPrecondition",
              `namespace "${record.metadata.namespace}" does not exist`,
            );
          }
          throw error;
        }
      }),
    list: (namespace, selectors, signal) =>
      translate(() =>
        listObjects<DeploymentRecord>(client, deploymentRecords, namespace, {
          labelSelector: selectors.labels,
          ...(selectors.fields ? { fieldSelector: selectors.fields } : {}),
          signal,
        }),
      ),
    delete: (namespace, name, uid, signal) =>
      translate(() =>
        deleteObject(client, deploymentRecords, namespace, name, { signal, ...(uid ? { uid } : {}) }),
      ),
  };
}

/** Runs one Kubernetes interaction and turns its failures into DeploymentErrors. */
async function translate<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toDeploymentError(error);
  }
}

export function toDeploymentError(error: unknown): unknown {
  if (!isKubeError(error)) return error;
  const options = { cause: error };
  switch (error.kind) {
    case "aborted":
      return new DeploymentError(
        "deadlineExceeded",
        "the request ended while Kubernetes was being asked",
        [],
        options,
      );
    case "timeout":
    case "unreachable":
    case "serverError":
      return new DeploymentError("unavailable", `Kubernetes API unavailable: ${error.message}`, [], options);
    case "notFound":
      return isMissingType(error.status)
        ? new DeploymentError("unavailable", "the DeploymentRecord CRD is not installed", [], options)
        : new DeploymentError("notFound", error.message, [], options);
    case "invalid":
      return new DeploymentError(
        "invalidArgument",
        `rejected by Kubernetes: ${error.status?.message ?? error.message}`,
        [],
        options,
      );
    case "conflict":
      return new DeploymentError("unavailable", `concurrent change, retry: ${error.message}`, [], options);
    case "forbidden":
    case "gone":
      return new DeploymentError("internal", error.message, [], options);
  }
}
