// DeploymentRecords on the API server: the ingress's only I/O. Every call is bounded
// by the caller's signal (the RPC deadline) and translates Kubernetes failures into
// domain errors, so the service above reads as policy only.
import type { DeploymentRecord } from "@oaas/crd";
import {
  applyObjectReportingCreate,
  deleteObject,
  getObject,
  isKubeError,
  isMissingType,
  listObjects,
  type KubeClient,
  type KubeStatus,
} from "@oaas/kube";
import { DeploymentError } from "./errors.ts";
import { deploymentRecords } from "./record-resource.ts";
import { ingressFieldManager } from "./labels.ts";

/**
 * The read path (GetDeploymentStatus, GetClassRuntime, ListClassRuntimes, Delete's
 * lookup). Kept this small so an informer cache can replace the API server reads.
 */
export interface RecordReader {
  get(namespace: string, name: string, signal: AbortSignal): Promise<DeploymentRecord | undefined>;
  /**
   * Records matching the label selector and, when the server supports it, the field
   * selector. A server that refuses the field selector (custom-resource field selectors
   * need Kubernetes 1.31) is asked again without it: callers filter in memory anyway.
   */
  list(
    namespace: string,
    selectors: { labels: string; fields: string },
    signal: AbortSignal,
  ): Promise<DeploymentRecord[]>;
}

/** The outcome of a Deploy's one server-side apply. */
export interface Applied {
  readonly record: DeploymentRecord;
  /** The apply created the record (HTTP 201). */
  readonly created: boolean;
}

export interface RecordWriter {
  /**
   * Server-side apply (forced: the PM's desired state wins). A record under that name
   * holding another spec.deployment_id is refused by the CRD's immutability rule and
   * surfaces as DeploymentError "alreadyExists".
   */
  apply(record: DeploymentRecord, signal: AbortSignal): Promise<Applied>;
  /** Requests deletion of this incarnation (uid); false when it is already gone. */
  delete(namespace: string, name: string, uid: string | undefined, signal: AbortSignal): Promise<boolean>;
}

export interface RecordStore extends RecordReader, RecordWriter {}

export function kubeRecordStore(client: KubeClient): RecordStore {
  return {
    get: (namespace, name, signal) =>
      translate(() => getObject<DeploymentRecord>(client, deploymentRecords, namespace, name, { signal })),
    apply: (record, signal) =>
      translate(async () => {
        try {
          const { object, created } = await applyObjectReportingCreate(client, deploymentRecords, record, {
            fieldManager: ingressFieldManager,
            // The PM's desired state wins over anyone who edited these fields by hand.
            force: true,
            signal,
          });
          return { record: object, created };
        } catch (error) {
          const taken = isKubeError(error, "invalid") ? refusedForOtherId(error.status) : undefined;
          if (taken !== undefined) {
            throw new DeploymentError(
              "alreadyExists",
              `record ${record.metadata.name}: ${taken.replace(/^.*?is immutable: /, "")}; choose another id`,
              [],
              { cause: error },
            );
          }
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
      translate(async () => {
        const list = (fieldSelector: string) =>
          listObjects<DeploymentRecord>(client, deploymentRecords, namespace, {
            labelSelector: selectors.labels,
            ...(fieldSelector ? { fieldSelector } : {}),
            signal,
          });
        try {
          return await list(selectors.fields);
        } catch (error) {
          // Before 1.31 (or with CustomResourceFieldSelectors off) the server answers 400.
          if (selectors.fields && isKubeError(error, "invalid") && error.statusCode === 400) return list("");
          throw error;
        }
      }),
    delete: (namespace, name, uid, signal) =>
      translate(() =>
        deleteObject(client, deploymentRecords, namespace, name, { signal, ...(uid ? { uid } : {}) }),
      ),
  };
}

/**
 * The message of the CRD's deployment_id immutability rule (packages/crd schema.ts
 * deploymentIdImmutable) when it refused the apply, e.g. 'this record belongs to
 * deployment "x"'; undefined for any other rejection.
 */
function refusedForOtherId(status: KubeStatus | undefined): string | undefined {
  const cause = (status?.details?.causes ?? []).find((c) => c.field === "spec.deployment_id");
  return cause === undefined ? undefined : (cause.message ?? "belongs to another deployment");
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
