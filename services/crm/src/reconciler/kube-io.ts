// The reconciler's API calls (io.ts) on a KubeClient, bound to one job's signal and field
// manager. Record calls: finalizer patches are JSON patches guarded by a test op (a
// concurrent change is a 409/422 and a retry, never a lost write); status goes by
// server-side apply of exactly the fields this worker owns. Child calls: forced apply,
// JSON patch, delete with a uid precondition, and the replica hand-over apply.
import { finalizer, ownerLabel, type DeploymentRecord } from "@oaas/crd";
import {
  applyObject,
  deleteObject,
  getObject,
  isKubeError,
  jsonPatchObject,
  listObjects,
  pods,
  resourcePath,
  type KubeClient,
} from "@oaas/kube";
import { applyRecordStatus, deploymentRecords } from "../deployments/record-resource.ts";
import { childKey, kindOf } from "./children.ts";
import type { LiveObject } from "./compare.ts";
import { ReconcileFailure } from "./errors.ts";
import type { ReconcilerIo } from "./io.ts";
import { replicaHandoverManager } from "./replicas.ts";

export function kubeIo(kube: KubeClient, fieldManager: string, signal: AbortSignal): ReconcilerIo {
  const patchRecord = (record: DeploymentRecord, ops: unknown[]) =>
    kube.request<DeploymentRecord>({
      method: "PATCH",
      path: resourcePath(deploymentRecords, record.metadata.namespace, record.metadata.name),
      contentType: "application/json-patch+json",
      body: ops,
      signal,
    });
  return {
    getRecord: (namespace, name) =>
      getObject<DeploymentRecord>(kube, deploymentRecords, namespace, name, { signal }),

    async listChildren(namespace, ownerValue, kinds) {
      const lists = await Promise.all(
        kinds.map(async (k) => {
          const items = await listObjects<LiveObject>(kube, k.type, namespace, {
            labelSelector: `${ownerLabel}=${ownerValue}`,
            signal,
          });
          // List items carry no apiVersion/kind: fill them in so keys match rendered objects.
          return items.map((item) => ({ ...item, apiVersion: k.apiVersion, kind: k.kind }));
        }),
      );
      return new Map(lists.flat().map((item) => [childKey(item), item]));
    },

    listPods: (namespace, labelSelector) =>
      listObjects<LiveObject>(kube, pods, namespace, { labelSelector, signal }),

    readChild: (object) =>
      getObject<LiveObject>(
        kube,
        kindOf(object).type,
        object.metadata?.namespace,
        object.metadata?.name ?? "",
        {
          signal,
        },
      ),

    applyChild: (object) =>
      applyObject<LiveObject>(kube, kindOf(object).type, object as LiveObject, {
        fieldManager,
        force: true,
        signal,
      }),

    async patchChild(live, operations) {
      const { name = "", namespace } = live.metadata ?? {};
      try {
        const patched = await jsonPatchObject<LiveObject>(
          kube,
          kindOf(live).type,
          namespace,
          name,
          operations,
          {
            fieldManager,
            signal,
          },
        );
        return { ...patched, apiVersion: live.apiVersion, kind: live.kind };
      } catch (error) {
        if (!isKubeError(error, "invalid")) throw error;
        throw new ReconcileFailure(
          "Conflict",
          `${kindOf(live).kind}/${name} changed while its drift was being taken out: ${error.message}`,
          false,
          { cause: error },
        );
      }
    },

    async deleteChild(live) {
      await deleteObject(kube, kindOf(live).type, live.metadata?.namespace, live.metadata?.name ?? "", {
        ...(live.metadata?.uid ? { uid: live.metadata.uid } : {}),
        propagationPolicy: "Background",
        signal,
      });
    },

    // Kubernetes' "Transferring ownership" recipe: the temporary manager holds the count
    // until our next apply leaves replicas out; it disappears once the new owner writes.
    async handOverReplicas(body) {
      try {
        await applyObject(kube, kindOf(body).type, body as LiveObject, {
          fieldManager: replicaHandoverManager,
          signal,
        });
      } catch (error) {
        if (!isKubeError(error, "conflict")) throw error;
      }
    },

    addFinalizer(record) {
      const current = record.metadata.finalizers;
      return patchRecord(
        record,
        current === undefined
          ? [
              { op: "test", path: "/metadata/resourceVersion", value: record.metadata.resourceVersion },
              { op: "add", path: "/metadata/finalizers", value: [finalizer] },
            ]
          : [
              { op: "test", path: "/metadata/finalizers", value: current },
              { op: "add", path: "/metadata/finalizers/-", value: finalizer },
            ],
      );
    },

    removeFinalizer(record) {
      const current = record.metadata.finalizers ?? [];
      return patchRecord(record, [
        { op: "test", path: "/metadata/finalizers", value: current },
        { op: "replace", path: "/metadata/finalizers", value: current.filter((f) => f !== finalizer) },
      ]);
    },

    // Other workers' status fields (NfrObserved, recommendations) have their own managers
    // and are kept; a field this worker stops sending is removed.
    applyStatus(record, status) {
      return applyRecordStatus(kube, record, status, fieldManager, signal);
    },
  };
}
